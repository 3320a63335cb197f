"""The committed static vectors (data/static-vectors.bin) read from Python,
for the tools that need a sentence's vector: `pip install tokenizers numpy`.
Tokenization as BERT's uncased WordPiece reads it, as src/matcher/semantic.rs
does (tests/semantic.rs checks the two agree)."""
import pathlib, struct

import numpy as np
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers


class Embedder:
    def __init__(self, root):
        root = pathlib.Path(root)
        raw = (root / "data" / "static-vectors.bin").read_bytes()
        assert raw[:4] == b"BPSV"
        rows, dims = struct.unpack("<II", raw[4:12])
        scales = np.frombuffer(raw[12:12 + 4 * rows], dtype="<f4")
        data = np.frombuffer(raw[12 + 4 * rows:12 + 4 * rows + rows * dims], dtype=np.int8)
        self.rows = rows
        self.m = data.reshape(rows, dims).astype(np.float32) * scales[:, None]
        vocab = {w: i for i, w in enumerate((root / "data" / "static-vocab.txt").read_text().split("\n")[:rows])}
        tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
        tok.normalizer = normalizers.BertNormalizer(lowercase=True, clean_text=True, handle_chinese_chars=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        self.tok = tok

    def embed(self, text):
        ids = [i for i in self.tok.encode(text, add_special_tokens=False).ids if i < self.rows][:256]
        if not ids:
            return None
        v = self.m[ids].sum(0)
        n = np.linalg.norm(v)
        return v / n if n > 1e-6 else None

    def matrix(self, texts):
        vs = [v for v in (self.embed(t) for t in texts) if v is not None]
        return np.array(vs) if vs else np.zeros((0, self.m.shape[1]), dtype=np.float32)

    def max_cosine(self, text, matrix):
        v = self.embed(text)
        if v is None or len(matrix) == 0:
            return 1.0
        return float((matrix @ v).max())
