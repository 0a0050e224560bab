"""The tree builder on plain samples: node by node, (parent, reason, token range of the leader)."""

from treepo_verl.trees import Sample, build_tree, parse_tree_idx


def ids(text):
    return [ord(c) for c in text]


def shape(nodes, samples):
    out = []
    for n in nodes[1:]:
        text = "".join(chr(i) for i in samples[n.leader].response_ids[n.start:n.end])
        out.append((n.id, n.parent, n.reason, text, n.sample))
    return out


def test_parse_tree_idx():
    assert parse_tree_idx("0/1-0/2-9/4-1") == [(1, 0), (2, 9), (4, 1)]
    assert parse_tree_idx("5") == []
    assert parse_tree_idx("0/1-x") is None
    assert parse_tree_idx("0/1-0-2") is None


def test_tree_idx_with_ragged_fallback_counts():
    samples = [
        Sample(ids("ab" + "cd" + "e"), "0/1-0/2-0/3-0", [2, 2, 1]),
        Sample(ids("ab" + "cd" + "f"), "0/1-0/2-0/3-1", [2, 2, 1]),
        # fallback: the first path cut back to "ab", decoded on in round 4 (old counts in front)
        Sample(ids("ab" + "xyz"), "0/1-0/4-0", [2, 2, 1, 3]),
        # fallback inside "cd": kept "c", on in round 5
        Sample(ids("ab" + "c" + "!!"), "0/1-0/2-0/5-0", [2, 2, 1, 2]),
    ]
    nodes = build_tree(samples)
    assert shape(nodes, samples) == [
        (1, 0, "initial", "ab", None),
        (2, 1, "divergence", "c", None),  # clamped to where the cut path parts
        (3, 1, "fallback", "xyz", 2),
        (4, 2, "divergence", "de", 0),
        (5, 2, "divergence", "df", 1),
        (6, 2, "fallback", "!!", 3),
    ]
    # every sample's path reproduces its ids
    for s, sample in enumerate(samples):
        leaf = next(n for n in nodes if n.sample == s)
        path, n = [], leaf
        while n.parent is not None:
            path = samples[n.leader].response_ids[n.start:n.end] + path
            n = nodes[n.parent]
        assert path == sample.response_ids


def test_prefix_tree_without_paths():
    samples = [Sample(ids("the 12")), Sample(ids("the 15")), Sample(ids("i 12")), Sample(ids("the 12"))]
    nodes = build_tree(samples)
    assert shape(nodes, samples) == [
        (1, 0, "initial", "the 1", None),
        (2, 1, "divergence", "2", None),
        (3, 2, "divergence", "", 0),  # two identical responses: an empty leaf each
        (4, 2, "divergence", "", 3),
        (5, 1, "divergence", "5", 1),
        (6, 0, "initial", "i 12", 2),
    ]


def test_missing_counts_fall_back_to_where_paths_part():
    samples = [Sample(ids("aab"), "0/1-0/2-0"), Sample(ids("aac"), "0/1-0/2-1")]
    assert shape(build_tree(samples), samples) == [
        (1, 0, "initial", "aa", None),
        (2, 1, "divergence", "b", 0),
        (3, 1, "divergence", "c", 1),
    ]
