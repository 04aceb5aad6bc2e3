//! The few JSON fields a body-shaped scheme needs (Mailgun's `signature` object, Linear's
//! `webhookTimestamp`), found in one pass over the body without building anything.
//!
//! `serde_json` is the reference: each scheme reads its fields with `serde_json`, and asks this
//! reader first only because the one pass costs a fraction of `serde_json`'s (which checks and
//! keeps every key it meets; `BENCHMARKS.md` has the measurement). This reader answers only
//! for the plain bodies providers send and gives up (`None`) on anything else: an escape or a
//! non-ASCII byte in a key or a wanted value, nesting deeper than [`MAX_DEPTH`], a repeated
//! wanted field, anything that is not JSON. The scheme then asks `serde_json`, whose verdict
//! stands. So this reader must never accept what `serde_json` would refuse, nor read a field
//! differently; `__fuzz::json_fields` and the tests below compare the two on arbitrary bodies.
//!
//! Like `serde_json` skipping an ignored value, it checks the grammar of every value it skips
//! but not the UTF-8 of skipped strings.

/// Containers nested deeper than this inside a skipped value are left to `serde_json` (which
/// skips them with a growing stack); one bit per level is kept here.
const MAX_DEPTH: u32 = u64::BITS;

/// How far apart, in bytes, a paced reading reports its progress (see [`Pace`]), and the
/// stretch in which [`special`] crosses a long string.
///
/// Two costs pull apart. Each time the MAC is fed, its state makes a round trip through
/// memory on the chain of SHA-NI rounds that sets its speed: a 64 KiB body fed 256 bytes at a
/// time takes 2.2% longer than fed at once, 512 at a time 1.0%, 1024 at a time 0.4%. And the
/// reading of a stretch only runs in the shadow of the MAC's blocks while both fit in the
/// processor's window of instructions in flight. Measured on Linear's 64 KiB body against the
/// MAC alone (pinned runs of the `instructions` bench binary, on an Intel Xeon): stretches
/// tested with [`plain_stretch`], 512 bytes 1.019–1.024×, 384 bytes 1.021–1.023×, 1024 bytes
/// 1.045×; the 32-byte pairs alone, every 256 bytes, 1.027–1.031×. (On the AMD EPYC of the
/// round before, the pairs alone: 128 bytes 1.05×, 256 1.03×, 512 1.06×; read, then MAC'd,
/// 1.08×.)
pub(crate) const PACE: usize = 512;

/// How far a run is searched in 32-byte pairs before [`special`] crosses it in stretches: most
/// strings of a webhook end within it, and a stretch's test costs more than a pair's when the
/// run ends inside it.
const NEAR: usize = 256;

/// Who is told how far a reading has got, so that other work over the same bytes can follow
/// close behind: a MAC fed the body as it is read runs beside the reading instead of after it.
pub(crate) trait Pace {
    /// Whether anyone is told; the reading of `()` has no pacing left in it.
    const ON: bool;

    /// Every byte before `read` has been read.
    fn reached(&mut self, read: usize);
}

/// Nobody is told.
impl Pace for () {
    const ON: bool = false;

    fn reached(&mut self, _read: usize) {}
}

impl<F: FnMut(usize)> Pace for F {
    const ON: bool = true;

    fn reached(&mut self, read: usize) {
        self(read);
    }
}

/// A position in a JSON text, and who is told of its progress.
pub(crate) struct Cursor<'a, P: Pace = ()> {
    bytes: &'a [u8],
    at: usize,
    pace: P,
    /// Where `pace` is told next.
    next: usize,
}

/// Tells `pace` that the reading has reached `read`, if that is at `next` or past it, and when
/// to tell it next.
fn tell(pace: &mut impl Pace, next: &mut usize, read: usize) {
    if read >= *next {
        pace.reached(read);
        *next = read + PACE;
    }
}

/// A wanted value, as written: a string of ASCII without escapes, or a number made of digits
/// only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plain<'a> {
    Null,
    Text(&'a [u8]),
    Digits(&'a [u8]),
}

impl<'a> Cursor<'a> {
    pub(crate) const fn new(bytes: &'a [u8]) -> Self {
        Self::paced(bytes, ())
    }
}

impl<'a, P: Pace> Cursor<'a, P> {
    /// A cursor that tells `pace` of its progress about every [`PACE`] bytes.
    pub(crate) const fn paced(bytes: &'a [u8], pace: P) -> Self {
        Self {
            bytes,
            at: 0,
            pace,
            next: PACE,
        }
    }

    /// Tells `pace` how far the reading has got, if it has gone [`PACE`] bytes further.
    #[expect(
        clippy::inline_always,
        reason = "one comparison where it is called, and nothing at all for `()`"
    )]
    #[inline(always)]
    fn keep_pace(&mut self) {
        if P::ON {
            tell(&mut self.pace, &mut self.next, self.at);
        }
    }

    /// The next byte that is not JSON whitespace, left unread.
    #[expect(
        clippy::inline_always,
        reason = "left to itself the compiler calls it: 100 more instructions per Mailgun body"
    )]
    #[inline(always)]
    fn peek(&mut self) -> Option<u8> {
        // Compact JSON has none.
        let byte = *self.bytes.get(self.at)?;
        if byte > b' ' {
            return Some(byte);
        }
        while let Some(&byte) = self.bytes.get(self.at) {
            if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// Reads `byte`, after any whitespace.
    #[expect(
        clippy::inline_always,
        reason = "left to itself the compiler calls it: 100 more instructions per Mailgun body"
    )]
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// The end of the text: nothing but whitespace is left.
    pub(crate) fn end(mut self) -> Option<()> {
        self.peek().is_none().then_some(())
    }

    /// Reads the members of an object, handing each to `member` with the cursor at its value,
    /// which `member` must read (or [`skip`](Self::skip)): `Some(i)` for the member named
    /// `wanted[i]`, `None` for any other plain key. A key with an escape or a non-ASCII byte
    /// gives up, wanted or not.
    ///
    /// A wanted name (plain ASCII, without quotes or backslashes) is recognised by comparing
    /// the bytes ahead with it and its closing quote, a comparison whose outcome the processor
    /// predicts: the reading goes on without waiting for the search for the key's end that
    /// other keys need.
    pub(crate) fn members<const K: usize>(
        &mut self,
        wanted: [&[u8]; K],
        mut member: impl FnMut(&mut Self, Option<usize>) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            self.keep_pace();
            self.eat(b'"')?;
            let which = self.wanted_key(wanted);
            if which.is_none() {
                self.plain_string()?;
            }
            self.eat(b':')?;
            member(self, which)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Which of `names` the key ahead (its opening quote read) is, reading it and its closing
    /// quote if it is one.
    #[expect(
        clippy::inline_always,
        reason = "the names are constants where it is inlined, compared as a few words"
    )]
    #[inline(always)]
    fn wanted_key<const K: usize>(&mut self, names: [&[u8]; K]) -> Option<usize> {
        let rest = self.bytes.get(self.at..)?;
        // The first byte and the closing quote turn most other names away before the whole
        // name is compared.
        let (which, len) = names.iter().enumerate().find_map(|(which, name)| {
            let quoted = rest.get(..=name.len())?;
            let candidate = quoted.first() == name.first() && quoted.last() == Some(&b'"');
            (candidate && quoted.starts_with(name)).then_some((which, name.len()))
        })?;
        self.at += len + 1;
        Some(which)
    }

    /// Whether the next value is an object (left unread, for [`members`](Self::members)).
    pub(crate) fn at_object(&mut self) -> bool {
        self.peek() == Some(b'{')
    }

    /// Reads `null`, a string without escapes, or a number made of digits only.
    pub(crate) fn plain(&mut self) -> Option<Plain<'a>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| Plain::Null),
            b'"' => {
                self.at += 1;
                self.plain_string().map(Plain::Text)
            }
            b'0'..=b'9' => {
                let start = self.at;
                self.number()?;
                let text = self.bytes.get(start..self.at)?;
                let digits = text.iter().all(u8::is_ascii_digit);
                // Nineteen digits always fit a `u64`, as serde_json would read them.
                (digits && text.len() <= 19).then_some(Plain::Digits(text))
            }
            _ => None,
        }
    }

    /// Skips one value of any kind, checking its grammar.
    ///
    /// A string, what most skipped members hold, is skipped in the caller; containers and
    /// scalars in [`skip_any`](Self::skip_any).
    #[expect(
        clippy::inline_always,
        reason = "called, the cursor goes through memory on every skipped member, which every \
                  later step of the reading waits on: 4 ns per Mailgun body"
    )]
    #[inline(always)]
    pub(crate) fn skip(&mut self) -> Option<()> {
        if self.peek()? == b'"' {
            self.at += 1;
            return self.string();
        }
        self.skip_any()
    }

    /// [`skip`](Self::skip) for any value.
    fn skip_any(&mut self) -> Option<()> {
        // One bit per open container, set for an object.
        let mut open: u64 = 0;
        let mut depth = 0;
        loop {
            self.keep_pace();
            // A value starts here.
            match self.peek()? {
                opening @ (b'{' | b'[') => {
                    self.at += 1;
                    let object = opening == b'{';
                    let closing = if object { b'}' } else { b']' };
                    if self.eat(closing).is_none() {
                        if depth == MAX_DEPTH {
                            return None;
                        }
                        open = open << 1 | u64::from(object);
                        depth += 1;
                        if object {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    self.at += 1;
                    self.string()?;
                }
                b'-' | b'0'..=b'9' => self.number()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => return None,
            }
            // A value ended: close containers until one has another element.
            loop {
                if depth == 0 {
                    return Some(());
                }
                let object = open & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.at += 1;
                        if object {
                            self.key()?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                self.at += 1;
                open >>= 1;
                depth -= 1;
            }
        }
    }

    /// A skipped object's key and its colon.
    fn key(&mut self) -> Option<()> {
        self.eat(b'"')?;
        self.string()?;
        self.eat(b':')
    }

    /// The rest of a string whose opening quote was read, escapes checked as `serde_json`
    /// checks a string it skips.
    #[expect(clippy::inline_always, reason = "as for `skip`: 5 ns per Mailgun body")]
    #[inline(always)]
    fn string(&mut self) -> Option<()> {
        loop {
            let rest = self.bytes.get(self.at..)?;
            self.at += if P::ON {
                // Told as a long string is crossed, too.
                let (start, next, pace) = (self.at, &mut self.next, &mut self.pace);
                special::<false>(rest, &mut |plain: usize| tell(pace, next, start + plain))
            } else {
                special::<false>(rest, &mut ())
            };
            match self.bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => {
                    let escape = *self.bytes.get(self.at + 1)?;
                    self.at += 2;
                    match escape {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            let hex = self.bytes.get(self.at..self.at + 4)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.at += 4;
                        }
                        _ => return None,
                    }
                }
                // A control character.
                _ => return None,
            }
        }
    }

    /// The rest of a string whose opening quote was read, which must be ASCII without control
    /// characters or escapes; its text.
    #[expect(
        clippy::inline_always,
        reason = "left to itself the compiler calls it: 100 more instructions per Mailgun body"
    )]
    #[inline(always)]
    fn plain_string(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        let rest = self.bytes.get(start..)?;
        // Stops at a non-ASCII byte too, which is not a quote.
        let end = start + special::<true>(rest, &mut ());
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        let text = self.bytes.get(start..end)?;
        self.at = end + 1;
        Some(text)
    }

    /// A number, in JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let rest = self.bytes.get(self.at..)?;
        rest.starts_with(word).then(|| self.at += word.len())
    }
}

/// The length of the run of `bytes` before the first quote, backslash or control character
/// (or byte above ASCII, if `NON_ASCII`): the first sixteen bytes are looked at a word at a
/// time, where keys and short values end, then thirty-two bytes at a time in a loop the
/// compiler vectorizes, where most other values end, and past [`NEAR`] bytes a [`PACE`]-long
/// stretch at a time ([`plain_stretch`]), so a webhook's long strings are crossed in a few
/// steps. Along a long run, `pace` is told after each stretch how many bytes are known to be
/// plain.
fn special<const NON_ASCII: bool>(bytes: &[u8], pace: &mut impl Pace) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH_BITS: u64 = ONES << 7;
    // The high bit of each byte of `word` that is zero, exactly for the lowest such byte (a
    // borrow only runs past a zero byte).
    let zeros = |word: u64| word.wrapping_sub(ONES) & !word & HIGH_BITS;
    let flagged = |word: u64| {
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH_BITS;
        let high = if NON_ASCII { word & HIGH_BITS } else { 0 };
        control
            | high
            | zeros(word ^ (ONES * u64::from(b'"')))
            | zeros(word ^ (ONES * u64::from(b'\\')))
    };
    // One byte's mark: nonzero exactly when it is special, computed without a branch so that
    // the loop below becomes a few vector operations per step.
    let mark = |byte: u8| {
        let high = if NON_ASCII { byte & 0x80 } else { 0 };
        // Flipping bit 1 swaps the quote (0x22) with the space (0x20) and keeps the control
        // characters below both: one saturating subtraction marks all of them.
        0x21_u8.saturating_sub(byte ^ 0x02) | u8::from(byte == b'\\').wrapping_neg() | high
    };
    // Where the first one is in a few bytes, a word at a time.
    let in_words = |bytes: &[u8]| {
        let (words, tail) = bytes.as_chunks::<8>();
        for (index, word) in words.iter().enumerate() {
            let found = flagged(u64::from_le_bytes(*word));
            if found != 0 {
                return index * 8 + (found.trailing_zeros() / 8) as usize;
            }
        }
        let at = words.len() * 8;
        at + tail
            .iter()
            .position(|&byte| mark(byte) != 0)
            .unwrap_or(tail.len())
    };
    // Most keys and many values end within the first two words.
    let Some((head, rest)) = bytes.split_first_chunk::<16>() else {
        return in_words(bytes);
    };
    let at = in_words(head);
    if at < 16 {
        return at;
    }
    // Then whether thirty-two bytes hold one: the two halves' marks are combined, and one test
    // asks whether any is set.
    let in_pairs = |bytes: &[u8]| {
        let (pairs, tail) = bytes.as_chunks::<32>();
        for (index, pair) in pairs.iter().enumerate() {
            let (low, high) = pair.split_at(16);
            let mut marks = [0u8; 16];
            for ((marked, &low), &high) in marks.iter_mut().zip(low).zip(high) {
                *marked = mark(low) | mark(high);
            }
            if u128::from_ne_bytes(marks) != 0 {
                return index * 32 + in_words(pair);
            }
        }
        bytes.len() - tail.len() + in_words(tail)
    };
    let Some((near, rest)) = rest.split_first_chunk::<NEAR>() else {
        return 16 + in_pairs(rest);
    };
    let at = in_pairs(near);
    if at < NEAR {
        return 16 + at;
    }
    pace.reached(16 + NEAR);
    // A long run: stretches without a special byte are crossed whole, and the one that ends
    // the run is searched again for where.
    let (stretches, tail) = rest.as_chunks::<PACE>();
    for (index, stretch) in stretches.iter().enumerate() {
        if !plain_stretch::<NON_ASCII>(stretch) {
            return 16 + NEAR + index * PACE + in_pairs(stretch);
        }
        pace.reached(16 + NEAR + (index + 1) * PACE);
    }
    bytes.len() - tail.len() + in_pairs(tail)
}

/// Whether `stretch` holds no quote, backslash or control character (nor, if `NON_ASCII`, a
/// byte above ASCII). `memchr2` looks for the first two thirty-two bytes per vector operation
/// where the processor has AVX2 (it checks at run time), and the lowest and highest bytes
/// take one branch-free vector operation per sixteen: less than half the instructions the
/// pairs of [`special`] take (30,000 against 69,000 across a 64 KiB string, under callgrind),
/// which lets a stretch's reading run in the shadow of the MAC's blocks (see [`PACE`]).
fn plain_stretch<const NON_ASCII: bool>(stretch: &[u8; PACE]) -> bool {
    if memchr::memchr2(b'"', b'\\', stretch).is_some() {
        return false;
    }
    let mut least = [u8::MAX; 16];
    let mut most = [0u8; 16];
    for chunk in stretch.as_chunks::<16>().0 {
        for ((least, most), &byte) in least.iter_mut().zip(&mut most).zip(chunk) {
            *least = (*least).min(byte);
            *most = (*most).max(byte);
        }
    }
    least.iter().all(|&byte| byte >= 0x20) && !(NON_ASCII && most.iter().any(|&byte| byte >= 0x80))
}

/// Checks that this reader and `serde_json` read `body` alike wherever this reader answers, for
/// Mailgun's fields and Linear's timestamp; panics if not.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn check_against_serde_json(body: &[u8]) {
    if let Some(found) = super::mailgun::read_plain_json(body) {
        let reference = super::mailgun::read_json(body);
        assert_eq!(Ok(&found), reference.as_ref(), "Mailgun's fields");
    }
    let mut told = Vec::new();
    let paced = super::header::plain_linear_millis(body, |read| told.push(read));
    if let Some(millis) = super::header::plain_linear_millis(body, ()) {
        let reference = super::header::serde_linear_millis(body);
        assert_eq!(millis, reference, "Linear's timestamp");
        assert_eq!(paced, Some(millis), "Linear's timestamp, read paced");
    }
    // Progress is told in order, at least `PACE` apart, never beyond the body.
    let mut last = 0;
    for read in told {
        assert!(
            read >= last + PACE && read <= body.len(),
            "told {read} after {last}"
        );
        last = read;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the cursor skips `text` as one whole value.
    fn skips(text: &str) -> bool {
        let mut cursor = Cursor::new(text.as_bytes());
        cursor.skip().is_some() && cursor.end().is_some()
    }

    fn serde_accepts(text: &str) -> bool {
        serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    }

    #[test]
    fn skips_what_serde_json_skips() {
        for text in [
            "0",
            "-0",
            "-12.5e+3",
            "1E9",
            "true",
            "null",
            r#""a\"b\\c\/\b\f\n\r\t\u00e9""#,
            "\"caf\u{e9}\"",
            "[]",
            "{}",
            " [ 1 , { \"a\" : [ ] , \"b\" : { } } ] ",
            r#"{"a":{"b":{"c":[[[["deep"]]]]}}}"#,
        ] {
            assert!(serde_accepts(text), "{text}");
            assert!(skips(text), "{text}");
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for text in [
            "",
            "01",
            "-",
            "1.",
            "1e",
            ".5",
            "+1",
            "tru",
            "nul",
            "\"a",
            "\"\\x\"",
            "\"\\u00g0\"",
            "\"a\u{1}\"",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\"}",
            "{1:2}",
            "[1 2]",
            "{\"a\":1]",
            "[}",
            "1 2",
            "\u{c}1",
        ] {
            assert!(!serde_accepts(text), "{text}");
            assert!(!skips(text), "{text}");
        }
    }

    #[test]
    fn gives_up_beyond_its_depth() {
        let nested = |depth: usize| format!("{}0{}", "[".repeat(depth), "]".repeat(depth));
        assert!(skips(&nested(MAX_DEPTH as usize)));
        assert!(!skips(&nested(MAX_DEPTH as usize + 1)));
        assert!(serde_accepts(&nested(MAX_DEPTH as usize + 1)));
    }

    /// The first byte [`special`] stops at, one byte at a time.
    fn first_special(bytes: &[u8], non_ascii: bool) -> usize {
        bytes
            .iter()
            .position(|&b| b < 0x20 || b == b'"' || b == b'\\' || non_ascii && b >= 0x80)
            .unwrap_or(bytes.len())
    }

    /// Every byte value at `at` in a plain run of `len` bytes is found where it is, or passed
    /// over.
    fn finds_each_byte_at(len: usize, at: usize) {
        for byte in 0..=u8::MAX {
            let mut bytes = vec![b'x'; len];
            bytes[at] = byte;
            assert_eq!(
                special::<false>(&bytes, &mut ()),
                first_special(&bytes, false),
                "{byte:#x} at {at} of {len}"
            );
            assert_eq!(
                special::<true>(&bytes, &mut ()),
                first_special(&bytes, true),
                "{byte:#x} at {at} of {len}"
            );
        }
    }

    #[test]
    fn finds_every_special_byte_in_every_position() {
        // Every length through the words, and lengths around the 32-byte steps after them.
        for len in (0..=24).chain([47, 48, 49, 63, 79, 80, 81, 111, 112, 113]) {
            for at in 0..len {
                finds_each_byte_at(len, at);
            }
        }
    }

    #[test]
    fn finds_every_special_byte_in_long_runs() {
        // Runs that end before, at and after the pairs' end and each stretch's, with a byte at
        // the edges of every step, and anywhere in the stretches (every 7th position).
        let stretched = 16 + NEAR;
        for len in [
            stretched - 1,
            stretched,
            stretched + 1,
            stretched + PACE - 1,
        ]
        .into_iter()
        .chain([stretched + PACE, stretched + 2 * PACE + 33])
        {
            let edges = [0, 15, 16, 17, stretched - 1, stretched, stretched + 1];
            let inside = (stretched..len).step_by(7);
            let ends = [stretched + PACE - 1, stretched + PACE, len - 1];
            for at in edges.into_iter().chain(inside).chain(ends) {
                if at < len {
                    finds_each_byte_at(len, at);
                }
            }
        }
    }

    #[test]
    fn reads_plain_values_and_members() {
        let mut cursor = Cursor::new(br#" { "a" : "x" , "b":123, "c":null, "d":[1] } "#);
        let mut seen = Vec::new();
        cursor
            .members([b"a", b"b", b"c"], |cursor, which| {
                let Some(which) = which else {
                    return cursor.skip();
                };
                seen.push((which, cursor.plain()?));
                Some(())
            })
            .unwrap();
        assert!(cursor.end().is_some());
        assert_eq!(
            seen,
            [
                (0, Plain::Text(b"x")),
                (1, Plain::Digits(b"123")),
                (2, Plain::Null)
            ]
        );
        // A key that only starts like a wanted one is another key; so is one that is its start.
        let mut cursor = Cursor::new(br#"{"ab":1,"":2,"a":3}"#);
        let mut seen = Vec::new();
        cursor
            .members([b"a"], |cursor, which| {
                seen.push((which, cursor.plain()?));
                Some(())
            })
            .unwrap();
        assert_eq!(
            seen,
            [
                (None, Plain::Digits(b"1")),
                (None, Plain::Digits(b"2")),
                (Some(0), Plain::Digits(b"3"))
            ]
        );
        // An escaped key gives up, wanted or not.
        for text in [r#"{"\u0061":1}"#, r#"{"a\"":1}"#] {
            let mut cursor = Cursor::new(text.as_bytes());
            assert_eq!(
                cursor.members([b"a"], |cursor, _| cursor.skip()),
                None,
                "{text}"
            );
        }
        for value in [
            r#""\u0041""#,
            "\"\u{e9}\"",
            "1.5",
            "-1",
            "12345678901234567890",
            "true",
        ] {
            assert_eq!(Cursor::new(value.as_bytes()).plain(), None, "{value}");
        }
    }

    /// Bodies shaped like Mailgun's and Linear's: the fields they read at the top, in a
    /// `signature` object or deeper, of every kind, escaped or not, repeated, spaced out, and
    /// sometimes broken by one byte.
    fn bodies() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        // Mostly the keys that are read; now and then an escaped or non-ASCII one.
        let key = || {
            prop_oneof![
                8 => prop::sample::select(vec![
                    "signature",
                    "timestamp",
                    "token",
                    "parent-signature",
                    "webhookTimestamp",
                    "x",
                ]),
                1 => prop::sample::select(vec!["sig\\u006eature", "caf\u{e9}"]),
            ]
        };
        let object = |members: Vec<(&str, String)>| {
            let members: Vec<String> = members
                .into_iter()
                .map(|(key, value)| format!("\"{key}\" : {value}"))
                .collect();
            format!("{{ {} }}", members.join(",\n"))
        };
        // Mostly what providers send: hex and digits.
        let plain = prop_oneof![
            "[0-9a-f]{0,8}".prop_map(|text| format!("\"{text}\"")),
            any::<u64>().prop_map(|n| n.to_string()),
        ];
        let scalar = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|n| serde_json::to_string(&n).unwrap_or_default()),
            prop::sample::select(vec!["0", "01", "-0", "1e3", "1.5", "99999999999999999999"])
                .prop_map(str::to_owned),
            "[ -~\u{e9}\u{1}]{0,12}".prop_map(|text| serde_json::to_string(&text).unwrap()),
            prop::sample::select(vec![r#""\u0041""#, r#""\ud800""#, r#""a\"b""#, r#""\x""#])
                .prop_map(str::to_owned),
        ];
        let value = scalar.clone().prop_recursive(3, 16, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                prop::collection::vec((key(), inner), 0..4).prop_map(object),
            ]
        });
        let field = prop_oneof![6 => plain.clone(), 1 => scalar.clone()];
        let signature = prop::collection::vec((key(), field), 0..6).prop_map(object);
        let member = (key(), prop_oneof![plain.clone(), scalar, value]);
        let members = move || prop::collection::vec(member.clone(), 0..3);
        let body = (
            members(),
            prop::option::weighted(0.8, signature),
            prop::option::weighted(0.8, plain),
            members(),
        )
            .prop_map(move |(before, signature, timestamp, after)| {
                let wanted = [("signature", signature), ("webhookTimestamp", timestamp)];
                let wanted = wanted
                    .into_iter()
                    .filter_map(|(key, value)| Some((key, value?)));
                object(before.into_iter().chain(wanted).chain(after).collect())
            });
        let change = prop::option::weighted(0.2, any::<(prop::sample::Index, u8)>());
        (body, change).prop_map(|(text, change)| {
            let mut bytes = text.into_bytes();
            if let Some((index, byte)) = change {
                let at = index.index(bytes.len());
                bytes[at] = byte;
            }
            bytes
        })
    }

    #[test]
    fn a_paced_reading_tells_its_progress_and_reads_alike() {
        let long = "x".repeat(10 * PACE + 7);
        let numbers = (0..400)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let body = format!(
            r#"{{"data":"{long}","list":[{numbers}],"more":{{"a":"{long}"}},"webhookTimestamp":1700000000000}}"#
        );
        let mut told = Vec::new();
        let found = super::super::header::plain_linear_millis(body.as_bytes(), |read| {
            told.push(read);
        });
        assert_eq!(found, Some(Ok(1_700_000_000_000)));
        // About every `PACE` bytes, from the first stretch to the last.
        assert!(told.len() >= body.len() / PACE - 2, "{told:?}");
        assert!(
            told.windows(2).all(|pair| pair[1] - pair[0] < 2 * PACE),
            "{told:?}"
        );
        check_against_serde_json(body.as_bytes());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        #[test]
        fn finds_the_first_special_byte(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![0u8, 0x1f, 0x20, b'!', b'"', b'#', b'\\', 0x7f, 0x80, 0xff]),
                0..40,
            ),
        ) {
            proptest::prop_assert_eq!(special::<false>(&bytes, &mut ()), first_special(&bytes, false));
            proptest::prop_assert_eq!(special::<true>(&bytes, &mut ()), first_special(&bytes, true));
        }

        #[test]
        fn finds_the_first_special_byte_of_a_long_run(
            len in 0..3 * PACE,
            specials in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()),
                0..3,
            ),
        ) {
            let mut bytes = vec![b'x'; len];
            for (at, byte) in specials {
                if len > 0 {
                    bytes[at.index(len)] = byte;
                }
            }
            proptest::prop_assert_eq!(special::<false>(&bytes, &mut ()), first_special(&bytes, false));
            proptest::prop_assert_eq!(special::<true>(&bytes, &mut ()), first_special(&bytes, true));
        }

        #[test]
        fn reads_as_serde_json_does(body in bodies()) {
            check_against_serde_json(&body);
        }
    }
}
