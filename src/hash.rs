//! FNV-1a 64: a stable hash (same value on every build and platform) for cache keys and fingerprints.
//! Not cryptographic; the caches it names are ours and re-creatable.

#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }

    /// Writes `s` followed by a separator, so ("ab", "c") and ("a", "bc") differ.
    pub fn field(&mut self, s: &str) -> &mut Self {
        self.write(s.as_bytes()).write(&[0xff])
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv;

    #[test]
    fn published_fnv1a_64_vectors() {
        assert_eq!(Fnv::default().hex(), "cbf29ce484222325");
        assert_eq!(Fnv::default().write(b"a").hex(), "af63dc4c8601ec8c");
        assert_eq!(Fnv::default().write(b"foobar").hex(), "85944171f73967e8");
    }
}
