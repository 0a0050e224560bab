import gzip
import json
import pathlib


def read_trace(path):
    """All lines of a gzip'd trace (every member), parsed."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class CharTokenizer:
    eos_token_id = 0
    pad_token_id = 0

    def decode(self, ids, skip_special_tokens=False):
        return "".join(chr(i) for i in ids)


def fork_patch_columns():
    """`treepo_columns` of the TreePO-fork patch's new helper (verl/utils/treepo_dump.py), taken
    from the patch file itself."""
    patch = (pathlib.Path(__file__).parent.parent / "patches" / "treepo-fork-tree-idx.patch").read_text()
    hunk = patch.split("+++ b/verl/utils/treepo_dump.py\n", 1)[1].split("\ndiff ", 1)[0]
    source = "\n".join(line[1:] for line in hunk.splitlines() if line.startswith("+"))
    helper = {}
    exec(compile(source, "treepo_dump.py", "exec"), helper)
    return helper["treepo_columns"]
