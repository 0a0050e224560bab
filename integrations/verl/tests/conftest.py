import gzip
import json


def read_trace(path):
    """All lines of a gzip'd trace (every member), parsed."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class CharTokenizer:
    eos_token_id = 0
    pad_token_id = 0

    def decode(self, ids, skip_special_tokens=False):
        return "".join(chr(i) for i in ids)
