//! Text → token ids, as the model's own tokenizer does it: `tokenizer.json` when the repo has one,
//! else the uncased WordPiece tokenizer rebuilt from `vocab.txt` and `tokenizer_config.json` (the SST-2
//! DistilBERT repo has no `tokenizer.json` at its root). Truncation at the chosen length, no padding
//! (batches are padded to their own longest text).

use std::path::Path;

use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::{OffsetReferential, OffsetType, PreTokenizer, Tokenizer, TruncationParams};

use crate::error::{Error, Result};
use crate::guard::contained;

/// One text's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    /// The text had more tokens than the model was given.
    pub truncated: bool,
}

/// A text's words as the tokenizer splits it before its model does (BERT: on whitespace and
/// punctuation, each punctuation mark a word of its own), and the model's (truncated) input with the
/// word each token came from: transformers' `word_ids()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// Each word's byte range in the text, in order; words past the truncation included.
    pub spans: Vec<(usize, usize)>,
    /// What the model is given.
    pub encoded: Encoded,
    /// For each token of `encoded`, the index of its word in `spans` (`None`: a special token).
    pub word_of_token: Vec<Option<u32>>,
}

pub struct TextTokenizer {
    inner: Tokenizer,
    pub pad_id: u32,
    max_length: usize,
}

impl TextTokenizer {
    /// From a model folder's files. `max_length` counts the special tokens, as transformers does.
    pub fn load(
        tokenizer_json: Option<&Path>,
        vocab_txt: Option<&Path>,
        config_json: Option<&Path>,
        max_length: usize,
    ) -> Result<Self> {
        let mut inner = match (tokenizer_json, vocab_txt) {
            (Some(path), _) => Tokenizer::from_file(path)
                .map_err(|e| Error::at_path(path, format!("not a usable tokenizer.json ({e})")))?,
            (None, Some(vocab)) => from_vocab(vocab, config_json)?,
            (None, None) => {
                return Err(Error::input(
                    "model",
                    "has neither tokenizer.json nor vocab.txt; add one of them to the model folder",
                ));
            }
        };
        // Some tokenizer.json files (all-MiniLM's among them) pad and truncate to a fixed length:
        // we pad per batch and truncate at the length asked for.
        inner.with_padding(None);
        inner
            .with_truncation(Some(TruncationParams {
                max_length,
                ..Default::default()
            }))
            .map_err(|e| {
                Error::input(
                    "tokenizer",
                    format!("cannot truncate at {max_length} ({e})"),
                )
            })?;
        let pad_id = inner
            .token_to_id("[PAD]")
            .or_else(|| inner.token_to_id("<pad>"))
            .unwrap_or(0);
        Ok(TextTokenizer {
            inner,
            pad_id,
            max_length,
        })
    }

    /// A batch padded to its longest text: (ids, attention mask, longest), row-major.
    pub fn pad(&self, batch: &[&Encoded]) -> (Vec<u32>, Vec<u32>, usize) {
        let longest = batch.iter().map(|e| e.ids.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(batch.len() * longest);
        let mut mask = Vec::with_capacity(batch.len() * longest);
        for e in batch {
            let pad = longest - e.ids.len();
            ids.extend_from_slice(&e.ids);
            ids.extend(std::iter::repeat_n(self.pad_id, pad));
            mask.extend(std::iter::repeat_n(1u32, e.ids.len()));
            mask.extend(std::iter::repeat_n(0u32, pad));
        }
        (ids, mask, longest)
    }

    /// Tokens in the vocabulary, added tokens included.
    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// Largest id the tokenizer can give plus one: its vocabulary's and added tokens' ids, and the
    /// special tokens its post-processor adds (which need not be in either). Must fit the model's
    /// embedding table.
    pub fn id_bound(&self) -> Result<usize> {
        let vocab = self.inner.get_vocab(true).into_values().max();
        let special = self.encode(&[""])?.into_iter().flat_map(|e| e.ids).max();
        Ok(vocab.max(special).map_or(0, |id| id as usize + 1))
    }

    /// One text at a time on this thread (tokenizers' batch call runs on rayon's threads, where a
    /// panic could not be kept quiet), inside [`contained`]: a tokenizer that panics on a text is
    /// an error, not a crash.
    pub fn encode(&self, texts: &[&str]) -> Result<Vec<Encoded>> {
        let encodings = contained(
            || {
                texts
                    .iter()
                    .map(|&text| self.encode_one(text, OffsetType::None))
                    .collect::<tokenizers::Result<Vec<_>>>()
            },
            "no message",
        )
        .map_err(|panic| {
            Error::input(
                "tokenizer",
                format!("crashed on a text ({panic}); the model's tokenizer.json cannot handle it"),
            )
        })?
        .map_err(|e| Error::input("tokenizer", format!("cannot tokenize ({e})")))?;
        Ok(encodings
            .into_iter()
            .map(|e| Encoded {
                truncated: !e.get_overflowing().is_empty(),
                ids: e.get_ids().to_vec(),
            })
            .collect())
    }
}

impl TextTokenizer {
    /// `text`'s words and the input the model is given, each token with its word.
    pub fn words(&self, text: &str) -> Result<Words> {
        let found = contained(
            || -> tokenizers::Result<Words> {
                let encoding = self.encode_one(text, OffsetType::Byte)?;
                let normalized = (self.inner.get_added_vocabulary())
                    .extract_and_normalize(self.inner.get_normalizer(), text);
                let mut split = normalized;
                if let Some(pre) = self.inner.get_pre_tokenizer() {
                    pre.pre_tokenize(&mut split)?;
                }
                let splits = split.get_splits(OffsetReferential::Original, OffsetType::Byte);
                Ok(Words {
                    spans: splits.into_iter().map(|(_, span, _)| span).collect(),
                    word_of_token: encoding.get_word_ids().to_vec(),
                    encoded: Encoded {
                        truncated: !encoding.get_overflowing().is_empty(),
                        ids: encoding.get_ids().to_vec(),
                    },
                })
            },
            "no message",
        );
        let words = found
            .map_err(|panic| {
                Error::input(
                    "tokenizer",
                    format!(
                        "crashed on a text ({panic}); the model's tokenizer.json cannot handle it"
                    ),
                )
            })?
            .map_err(|e| Error::input("tokenizer", format!("cannot split into words ({e})")))?;
        Ok(words)
    }

    /// A text's tokens, truncated. A huge text (a 10 MB review) is tokenized from growing
    /// prefixes that end a word, until one has more tokens than the length: the tokens kept are the
    /// whole text's (the normalizers and pre-tokenizers we load work word by word) at a fraction
    /// of the time and memory.
    /// `offsets`: `None` (the fastest) leaves out offsets and word ids.
    fn encode_one(
        &self,
        text: &str,
        offsets: OffsetType,
    ) -> tokenizers::Result<tokenizers::Encoding> {
        let mut want = (self.max_length * 16).max(4096);
        loop {
            let prefix = word_prefix(text, want);
            let encoding = match offsets {
                OffsetType::None => self.inner.encode_fast(prefix, true)?,
                _ => self.inner.encode(prefix, true)?,
            };
            if prefix.len() == text.len() || !encoding.get_overflowing().is_empty() {
                return Ok(encoding);
            }
            want = want.saturating_mul(4);
        }
    }
}

/// The start of `text` up to the first whitespace at or after byte `want` (so no word is cut), or
/// all of it.
fn word_prefix(text: &str, want: usize) -> &str {
    if text.len() <= want {
        return text;
    }
    let mut cut = want;
    while !text.is_char_boundary(cut) {
        cut += 1;
    }
    match text[cut..].find(char::is_whitespace) {
        Some(i) => &text[..cut + i],
        None => text,
    }
}

/// BERT's uncased WordPiece pipeline: clean text, split CJK characters, lower-case and strip accents
/// (unless `tokenizer_config.json` says `do_lower_case: false`), split on whitespace and punctuation,
/// WordPiece with `##` continuations, then `[CLS] ... [SEP]`.
fn from_vocab(vocab: &Path, config_json: Option<&Path>) -> Result<Tokenizer> {
    let config: serde_json::Value = match config_json {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::at_path(path, format!("cannot read ({e})")))?;
            serde_json::from_str(&text)
                .map_err(|e| Error::at_path(path, format!("not JSON ({e})")))?
        }
        None => serde_json::Value::Null,
    };
    let flag = |key: &str| config.get(key).and_then(serde_json::Value::as_bool);
    let lowercase = flag("do_lower_case").unwrap_or(true);
    let strip_accents = flag("strip_accents");
    let chinese = flag("tokenize_chinese_chars").unwrap_or(true);
    let vocab_str = vocab
        .to_str()
        .ok_or_else(|| Error::at_path(vocab, "path is not UTF-8"))?;
    let model = WordPiece::from_file(vocab_str)
        .unk_token("[UNK]".into())
        .build()
        .map_err(|e| Error::at_path(vocab, format!("not a usable WordPiece vocabulary ({e})")))?;
    let mut tokenizer = Tokenizer::new(model);
    let id = |token: &str| {
        tokenizer.token_to_id(token).ok_or_else(|| {
            Error::at_path(
                vocab,
                format!("has no {token} token; it is not a BERT vocabulary"),
            )
        })
    };
    let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
    id("[UNK]")?;
    tokenizer
        .with_normalizer(Some(BertNormalizer::new(
            true,
            chinese,
            strip_accents,
            lowercase,
        )))
        .with_pre_tokenizer(Some(BertPreTokenizer))
        .with_post_processor(Some(BertProcessing::new(
            ("[SEP]".into(), sep),
            ("[CLS]".into(), cls),
        )));
    Ok(tokenizer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(max_length: usize) -> TextTokenizer {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny");
        let config = dir.join("tokenizer_config.json");
        TextTokenizer::load(
            None,
            Some(&dir.join("vocab.txt")),
            Some(&config),
            max_length,
        )
        .unwrap()
    }

    #[test]
    fn prefixes_end_a_word() {
        assert_eq!(word_prefix("short", 10), "short");
        assert_eq!(word_prefix("one two three", 5), "one two");
        assert_eq!(word_prefix("one two three", 4), "one two");
        assert_eq!(word_prefix("one two three", 3), "one");
        assert_eq!(word_prefix("nowhitespace", 3), "nowhitespace");
        assert_eq!(word_prefix("é é é", 1), "é");
    }

    /// The tokens of a huge text are those of tokenizing all of it, wherever its prefixes end.
    #[test]
    fn a_huge_text_gives_the_whole_texts_tokens() {
        let words = "Great CD, unbelievable sound!  Les élèves ont aimé. 東京 battery\tlife ";
        for max_length in [8, 64, 512] {
            let tokenizer = tiny(max_length);
            for text in [
                words.repeat(20_000),
                format!("{}{}", "x".repeat(70_000), words.repeat(50)),
                format!("{}{}", " ".repeat(70_000), words.repeat(50)),
                words.repeat(3),
            ] {
                let ours = &tokenizer.encode(&[&text]).unwrap()[0];
                let whole = tokenizer.inner.encode_fast(text.as_str(), true).unwrap();
                assert_eq!(ours.ids, whole.get_ids(), "max_length {max_length}");
                assert_eq!(ours.truncated, !whole.get_overflowing().is_empty());
            }
        }
    }
}
