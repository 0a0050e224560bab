"""One prompt's samples as a tree of token segments (standard library only).

With TreePO's `tree_idx` ("0/1-0/2-9": root, then round-position per segment) and
`token_count_per_step`, each path prefix is a node and its length is its round's count. TreePO's
fallback keeps the cut path's counts in front of the new ones ("ragged": more counts than
segments), so paths with one count per segment are read first and the segments a ragged path adds
take the counts from its end. Without paths the group becomes a radix tree over the response ids,
showing where GRPO's samples part ways. Either way every node's end is clamped between its parent's
end and the prefix all samples below it share, so each sample's path reproduces its ids exactly.
"""

from dataclasses import dataclass, field
from typing import List, Optional, Sequence


@dataclass
class Sample:
    response_ids: List[int]
    tree_idx: Optional[str] = None
    token_counts: Optional[List[int]] = None


@dataclass
class Node:
    id: int
    parent: Optional[int]
    depth: int
    reason: str  # root | initial | divergence | fallback
    start: int = 0  # token range in the leader's response
    end: int = 0
    leader: int = 0
    sample: Optional[int] = None  # the sample whose response ends here
    members: List[int] = field(default_factory=list)


def parse_tree_idx(text: str):
    """[(round, position), ...], or None when the text is not ROOT/ROUND-POS/..."""
    parts = str(text).split("/")
    try:
        if int(parts[0]) < 0:
            return None
        segs = []
        for p in parts[1:]:
            r, q = p.split("-")
            if int(r) < 0 or int(q) < 0:
                return None
            segs.append((int(r), int(q)))
        return segs
    except ValueError:
        return None


def _common_end(seqs: Sequence[Sequence[int]], start: int) -> int:
    first = seqs[0]
    end = len(first)
    for other in seqs[1:]:
        i, limit = start, min(end, len(other))
        while i < limit and first[i] == other[i]:
            i += 1
        end = i
    return max(end, start)


def build_tree(samples: List[Sample]) -> List[Node]:
    """Nodes with node 0 the root; parents before children; a leaf per sample."""
    paths = [parse_tree_idx(s.tree_idx) if s.tree_idx is not None else None for s in samples]
    if samples and all(p is not None for p in paths):
        shape = _tree_idx_shape(samples, paths)
    else:
        shape = _prefix_shape(samples)
    return _fill(shape, samples)


def _tree_idx_shape(samples, paths):
    keys = sorted({tuple(p[: k + 1]) for p in paths for k in range(len(p))}, key=lambda k: (len(k), k))
    nodes = [dict(parent=-1, depth=0, reason="root", members=[], ends=[], children=[], tok=0)]
    index = {(): 0}
    for key in keys:
        parent = index[key[:-1]]
        index[key] = len(nodes)
        nodes[parent]["children"].append(len(nodes))
        nodes.append(dict(parent=parent, depth=len(key), reason="initial" if len(key) == 1 else "divergence",
                          members=[], ends=[], children=[], tok=None))
    ragged = [len(s.token_counts or []) != len(p) for s, p in zip(samples, paths)]
    order = sorted(range(len(samples)), key=lambda i: (ragged[i], i))
    length = [None] * len(nodes)
    for s in order:
        path = [index[tuple(paths[s][: k + 1])] for k in range(len(paths[s]))]
        for n in [0] + path:
            nodes[n]["members"].append(s)
        nodes[path[-1] if path else 0]["ends"].append(s)
        counts = samples[s].token_counts
        if counts is None or len(counts) < len(path):
            continue
        if len(counts) == len(path):
            for n, c in zip(path, counts):
                if length[n] is None:
                    length[n] = c
            continue
        kept = next((j for j, n in enumerate(path) if length[n] is None), None)
        if kept is None:
            continue
        own = len(path) - kept
        for j, n in enumerate(path[kept:]):
            length[n] = counts[len(counts) - own + j]
        if kept > 0:
            nodes[path[kept]]["reason"] = "fallback"
    for i in range(1, len(nodes)):
        p = nodes[i]["parent"]
        if length[i] is not None and nodes[p]["tok"] is not None:
            nodes[i]["tok"] = nodes[p]["tok"] + length[i]
    return nodes


def _prefix_shape(samples):
    seqs = [s.response_ids for s in samples]
    nodes = [dict(parent=-1, depth=0, reason="root", members=list(range(len(seqs))), ends=[], children=[], tok=0)]

    def add(parent, members, end):
        nodes[parent]["children"].append(len(nodes))
        nodes.append(dict(parent=parent, depth=nodes[parent]["depth"] + 1,
                          reason="initial" if parent == 0 else "divergence",
                          members=members, ends=[], children=[], tok=end))
        return len(nodes) - 1

    stack = [(list(range(len(seqs))), 0, 0)]
    while stack:
        members, offset, parent = stack.pop()
        if len(members) == 1:
            s = members[0]
            node = add(parent, members, len(seqs[s])) if (len(seqs[s]) > offset or parent == 0) else parent
            nodes[node]["ends"].append(s)
            continue
        end = _common_end([seqs[m] for m in members], offset)
        node = add(parent, members, end) if end > offset else parent
        groups = {}
        for s in members:
            if len(seqs[s]) == end:
                nodes[node]["ends"].append(s)
            else:
                groups.setdefault(seqs[s][end], []).append(s)
        for members_next in reversed(list(groups.values())):
            stack.append((members_next, end, node))
    return nodes


def _fill(shape, samples) -> List[Node]:
    ids = [s.response_ids for s in samples]
    out = [Node(id=0, parent=None, depth=0, reason="root", members=shape[0]["members"])]
    end_of = [0] * len(shape)
    id_of = [0] * len(shape)
    for i in range(1, len(shape)):
        n = shape[i]
        p = n["parent"]
        leader = n["members"][0]
        leaf = not n["children"] and len(n["ends"]) == 1 and len(n["members"]) == 1
        shared = _common_end([ids[m] for m in n["members"]], end_of[p])
        if leaf:
            end = len(ids[leader])
        else:
            est = n["tok"] if n["tok"] is not None else shared
            end = min(max(est, end_of[p]), shared)
        end_of[i] = end
        id_of[i] = len(out)
        out.append(Node(id=len(out), parent=id_of[p], depth=n["depth"], reason=n["reason"], start=end_of[p],
                        end=end, leader=leader, sample=leader if leaf else None, members=n["members"]))
        if not leaf:
            for s in n["ends"]:
                out.append(Node(id=len(out), parent=id_of[i], depth=n["depth"] + 1, reason="divergence",
                                start=end, end=len(ids[s]), leader=s, sample=s, members=[s]))
    for s in shape[0]["ends"]:
        out.append(Node(id=len(out), parent=0, depth=1, reason="initial", start=0, end=len(ids[s]),
                        leader=s, sample=s, members=[s]))
    return out
