//! What a scheme signs around the body: a template of pieces, filled in from one delivery.

use crate::mac::Message;

/// One piece of the signed content, in the order the provider concatenates them.
///
/// The content always holds [`Part::Body`] exactly once; parts before it are absorbed into the
/// MAC while the headers are checked, parts after it when the body has ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// Fixed bytes, such as `v0:` for Slack.
    Literal(Vec<u8>),
    /// The timestamp's value, exactly as sent.
    Timestamp,
    /// The id's value, exactly as sent.
    Id,
    /// The request method, such as `POST` (request-shaped schemes; see
    /// [`Request`](crate::Request)).
    Method,
    /// The request's public URL, exactly as given (see [`Request`](crate::Request)).
    Url,
    /// The raw request body.
    Body,
}

impl Part {
    /// A [`Part::Literal`] of the given bytes.
    #[must_use]
    pub fn literal(bytes: impl Into<Vec<u8>>) -> Self {
        Self::Literal(bytes.into())
    }
}

/// A piece of content other than the body, as stored: [`Part`]s, plus the URL as HubSpot
/// signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Literal(Box<[u8]>),
    Timestamp,
    Id,
    Method,
    Url,
    /// The URL with the twelve escapes HubSpot's v3 signature decodes (`%3A` `%2F` `%3F` `%40`
    /// `%21` `%24` `%27` `%28` `%29` `%2A` `%2C` `%3B`) decoded, and every other one kept.
    HubSpotUrl,
}

/// A scheme's signed content, split around the body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Content {
    pub(crate) before: Vec<Piece>,
    pub(crate) after: Vec<Piece>,
}

/// What fills the pieces for one delivery.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Fields<'a> {
    pub(crate) timestamp: &'a [u8],
    pub(crate) id: &'a [u8],
    pub(crate) method: &'a [u8],
    pub(crate) url: &'a [u8],
}

impl Content {
    /// Pieces before the body, then after it.
    pub(crate) fn new(before: impl Into<Vec<Piece>>, after: impl Into<Vec<Piece>>) -> Self {
        Self {
            before: before.into(),
            after: after.into(),
        }
    }

    /// The body alone.
    pub(crate) const fn body() -> Self {
        Self {
            before: Vec::new(),
            after: Vec::new(),
        }
    }

    /// A template of public parts, split at its one [`Part::Body`]; `None` when it has no body
    /// or more than one.
    pub(crate) fn from_parts(parts: Vec<Part>) -> Option<Self> {
        let at = parts.iter().position(|part| *part == Part::Body)?;
        let mut before = Vec::with_capacity(at);
        let mut after = Vec::new();
        for (index, part) in parts.into_iter().enumerate() {
            let piece = match part {
                Part::Body if index == at => continue,
                Part::Body => return None,
                Part::Literal(bytes) => Piece::Literal(bytes.into()),
                Part::Timestamp => Piece::Timestamp,
                Part::Id => Piece::Id,
                Part::Method => Piece::Method,
                Part::Url => Piece::Url,
            };
            if index < at {
                before.push(piece);
            } else {
                after.push(piece);
            }
        }
        Some(Self { before, after })
    }

    /// Whether any piece is `piece`.
    pub(crate) fn uses(&self, piece: &Piece) -> bool {
        self.before.iter().chain(&self.after).any(|p| p == piece)
    }

    /// Whether the content signs the request's method or URL.
    pub(crate) fn signs_request(&self) -> bool {
        self.uses(&Piece::Method) || self.uses(&Piece::Url) || self.uses(&Piece::HubSpotUrl)
    }

    pub(crate) fn write_before(&self, fields: &Fields<'_>, out: &mut impl FnMut(&[u8])) {
        absorb(&self.before, fields, out);
    }

    pub(crate) fn write_after(&self, fields: &Fields<'_>, out: &mut impl FnMut(&[u8])) {
        absorb(&self.after, fields, out);
    }

    /// The whole signed content of one delivery.
    pub(crate) const fn message<'a>(&'a self, fields: Fields<'a>, body: &'a [u8]) -> Signed<'a> {
        Signed {
            content: self,
            fields,
            body,
        }
    }
}

/// The signed content of one delivery: a template filled in.
pub(crate) struct Signed<'a> {
    content: &'a Content,
    fields: Fields<'a>,
    body: &'a [u8],
}

impl Message for Signed<'_> {
    #[inline]
    fn write(&self, update: &mut impl FnMut(&[u8])) {
        self.content.write_before(&self.fields, update);
        update(self.body);
        self.content.write_after(&self.fields, update);
    }
}

/// Feeds `pieces` to `update`, one call each. (Joining them in a buffer first was measured: it
/// cost more instructions than the MAC calls it saved; see BENCHMARKS.md.)
#[inline]
fn absorb(pieces: &[Piece], fields: &Fields<'_>, update: &mut impl FnMut(&[u8])) {
    for piece in pieces {
        match piece {
            Piece::Literal(bytes) => update(bytes),
            Piece::Timestamp => update(fields.timestamp),
            Piece::Id => update(fields.id),
            Piece::Method => update(fields.method),
            Piece::Url => update(fields.url),
            Piece::HubSpotUrl => hubspot_url(fields.url, update),
        }
    }
}

/// Writes `url` with HubSpot's v3 escapes decoded (hex digits of either case).
fn hubspot_url(url: &[u8], out: &mut impl FnMut(&[u8])) {
    let mut rest = url;
    while let Some(at) = memchr::memchr(b'%', rest) {
        let (run, escape) = rest.split_at(at);
        out(run);
        let decoded = match escape.get(1..3) {
            Some(hex) => match hex.to_ascii_uppercase().as_slice() {
                b"3A" => Some(b':'),
                b"2F" => Some(b'/'),
                b"3F" => Some(b'?'),
                b"40" => Some(b'@'),
                b"21" => Some(b'!'),
                b"24" => Some(b'$'),
                b"27" => Some(b'\''),
                b"28" => Some(b'('),
                b"29" => Some(b')'),
                b"2A" => Some(b'*'),
                b"2C" => Some(b','),
                b"3B" => Some(b';'),
                _ => None,
            },
            None => None,
        };
        if let Some(byte) = decoded {
            out(&[byte]);
            rest = escape.get(3..).unwrap_or_default();
        } else {
            out(b"%");
            rest = escape.get(1..).unwrap_or_default();
        }
    }
    out(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(pieces: &[Piece], fields: &Fields<'_>) -> Vec<u8> {
        let mut fed = Vec::new();
        absorb(pieces, fields, &mut |data| fed.extend_from_slice(data));
        fed
    }

    #[test]
    fn absorb_feeds_exactly_the_concatenated_pieces() {
        let timestamp = b"1700000000";
        for (literal_len, id_len) in [(0, 0), (1, 31), (100, 27), (127, 1), (128, 0), (300, 256)] {
            let literal = vec![b'L'; literal_len];
            let id = vec![b'i'; id_len];
            let pieces = [
                Piece::Id,
                Piece::Literal(literal.clone().into()),
                Piece::Timestamp,
                Piece::Literal(Box::new(*b".")),
            ];
            let fields = Fields {
                timestamp,
                id: &id,
                ..Fields::default()
            };
            let expected = [&id[..], &literal, timestamp, b"."].concat();
            assert_eq!(
                written(&pieces, &fields),
                expected,
                "literal {literal_len}, id {id_len}"
            );
        }
    }

    #[test]
    fn hubspot_decodes_its_twelve_escapes_and_keeps_the_rest() {
        let fields = Fields {
            url: b"https://example.com/hook?a=%3A%2f%3F%40%21%24%27%28%29%2A%2C%3B&b=%20%23%26%3D%2B&c=%&d=%3",
            ..Fields::default()
        };
        assert_eq!(
            String::from_utf8(written(&[Piece::HubSpotUrl], &fields)).unwrap(),
            "https://example.com/hook?a=:/?@!$'()*,;&b=%20%23%26%3D%2B&c=%&d=%3"
        );
    }

    #[test]
    fn templates_split_at_their_one_body() {
        let content =
            Content::from_parts(vec![Part::literal("a"), Part::Body, Part::Timestamp]).unwrap();
        assert_eq!(content.before, [Piece::Literal(Box::new(*b"a"))]);
        assert_eq!(content.after, [Piece::Timestamp]);
        assert_eq!(Content::from_parts(vec![Part::Id]), None);
        assert_eq!(Content::from_parts(vec![Part::Body, Part::Body]), None);
    }
}
