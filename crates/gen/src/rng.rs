//! A small seeded PRNG (splitmix64) and hashing helpers.
//!
//! Everything the generator draws comes from here, so the same arguments give the same
//! bytes on every machine and in wasm. Only integer arithmetic and IEEE-exact float
//! operations (`*`, `/`, `sqrt`) are used: libm functions such as `powf` or `ln` may round
//! differently between platforms and would break byte-identical output.

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 finaliser: a bijection on `u64`, so distinct inputs give distinct outputs.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a seed and a stream label into a new seed (not a bijection; for sub-streams).
pub(crate) const fn derive(seed: u64, label: u64) -> u64 {
    mix(seed
        ^ mix(label
            .wrapping_mul(GAMMA)
            .wrapping_add(0x2545_F491_4F6C_DD1D)))
}

/// Hashes a string label (FNV-1a) so sub-streams can be named.
pub(crate) fn label(s: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    h
}

#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) const fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A generator for sub-stream `label` of `seed`, independent of any other sub-stream.
    pub(crate) const fn sub(seed: u64, label: u64) -> Self {
        Rng(derive(seed, label))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix(self.0)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; `n == 0` gives 0). Small `n` stays in
    /// 64-bit arithmetic: a 128-bit multiply is a slow library call in wasm32.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        let x = self.next_u64();
        if n <= u64::from(u32::MAX) {
            ((x >> 32) * n) >> 32
        } else {
            ((u128::from(x) * u128::from(n)) >> 64) as u64
        }
    }

    pub(crate) fn below_usize(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in `[0, 1)`, 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below_usize(items.len())]
    }

    /// A copy of one of `items`, uniformly.
    pub(crate) fn pick_one<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below_usize(items.len())]
    }

    /// Index drawn with the given integer weights (at least one weight must be non-zero).
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            let w = u64::from(w);
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// `len` characters drawn from `alphabet` (at most 64 symbols), several per draw.
    pub(crate) fn push_chars(&mut self, out: &mut String, alphabet: &[u8], len: usize) {
        let base = alphabet.len() as u64;
        // Digits of base `base` that fit in 60 bits, so the top digit's bias stays negligible.
        let per_draw = match base {
            0..=16 => 15,
            17..=32 => 12,
            _ => 10,
        };
        let mut left = len;
        while left > 0 {
            let mut x = self.next_u64();
            for _ in 0..per_draw.min(left) {
                out.push(alphabet[(x % base) as usize] as char);
                x /= base;
            }
            left = left.saturating_sub(per_draw);
        }
    }

    pub(crate) fn chars(&mut self, alphabet: &[u8], len: usize) -> String {
        let mut s = String::with_capacity(len);
        self.push_chars(&mut s, alphabet, len);
        s
    }

    /// A random version-4 UUID.
    pub(crate) fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format_uuid(a, b)
    }
}

/// Picks from a cumulative-weight table (ascending, last = total) built once for hot loops.
pub(crate) fn pick_cumulative(rng: &mut Rng, cumulative: &[u64]) -> usize {
    let total = *cumulative.last().unwrap_or(&0);
    let x = rng.below(total);
    cumulative.partition_point(|&c| c <= x)
}

pub(crate) fn cumulative(weights: impl IntoIterator<Item = u64>) -> Vec<u64> {
    let mut acc = 0;
    weights
        .into_iter()
        .map(|w| {
            acc += w;
            acc
        })
        .collect()
}

pub(crate) const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const LOWER_HEX: &[u8] = b"0123456789abcdef";
pub(crate) const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// IAM unique ids use upper-case letters and digits 2-7 (base32-like).
pub(crate) const IAM_ID: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Formats 128 bits as a version-4, variant-1 UUID.
pub(crate) fn format_uuid(a: u64, b: u64) -> String {
    let mut s = String::with_capacity(36);
    push_uuid(&mut s, a, b);
    s
}

/// Writes 128 bits as a v4 UUID; 6 bits of `a` and `b` are overwritten by version and variant.
pub(crate) fn push_uuid(out: &mut String, a: u64, b: u64) {
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    push_hex(out, a >> 32, 8);
    out.push('-');
    push_hex(out, (a >> 16) & 0xFFFF, 4);
    out.push('-');
    push_hex(out, a & 0xFFFF, 4);
    out.push('-');
    push_hex(out, b >> 48, 4);
    out.push('-');
    push_hex(out, b & 0xFFFF_FFFF_FFFF, 12);
}

/// A v4 UUID that is distinct for every distinct `unique` (all 64 of its bits are kept),
/// the other bits filled from `noise`.
pub(crate) fn push_unique_uuid(out: &mut String, unique: u64, noise: u64) {
    // Layout: the 64 unique bits fill time_low (32), time_mid (16), the 12 free bits of
    // time_hi and 4 bits of clock_seq; version and variant sit in bits we do not use.
    let time_hi = 0x4000 | ((unique >> 4) & 0x0FFF);
    let clock = 0x8000 | ((unique & 0xF) << 10) | (noise & 0x3FF);
    push_hex(out, unique >> 32, 8);
    out.push('-');
    push_hex(out, (unique >> 16) & 0xFFFF, 4);
    out.push('-');
    push_hex(out, time_hi, 4);
    out.push('-');
    push_hex(out, clock, 4);
    out.push('-');
    push_hex(out, (noise >> 16) & 0xFFFF_FFFF_FFFF, 12);
}

pub(crate) fn push_hex(out: &mut String, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        out.push(LOWER_HEX[((v >> (i * 4)) & 0xF) as usize] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::new(1);
        for n in [1u64, 2, 3, 10, 1000] {
            for _ in 0..1000 {
                assert!(r.below(n) < n);
            }
        }
    }

    #[test]
    fn unique_uuid_shape() {
        let mut s = String::new();
        push_unique_uuid(&mut s, mix(5), 99);
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
        assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"));
    }
}
