"""The fake TransferQueue of v1_support.py against the real one: the same puts and gets on both,
every answer compared, and the V1 trainer's steps through the hook on both, the traces compared.
Opt-in (`TREEPO_VERL_REAL_TQ=1`): it starts a local Ray with TransferQueue's controller and two
storage units (~30 s on 2 cores)."""

import os

import pytest

pytest.importorskip("transfer_queue")
if os.environ.get("TREEPO_VERL_REAL_TQ") != "1":
    pytest.skip("set TREEPO_VERL_REAL_TQ=1 to start Ray and compare with the real TransferQueue",
                allow_module_level=True)

import torch  # noqa: E402
from v1_support import FakeTransferQueue  # noqa: E402
from verl.utils.tensordict_utils import list_of_dict_to_tensordict  # noqa: E402


def answers(api):
    """What verl's V1 trainer and the hook rely on: tags kept and merged across puts, a later
    put's fields added, a get in the asked key order with jagged tensors and a LinkedList of
    uids, an absent field left out, an unknown key a ValueError."""
    keys = ["u_0_0", "u_1_0"]
    rows = [{"uid": "u", "prompts": torch.tensor([1, 2, 3]), "responses": torch.tensor([4]), "session_id": 0},
            {"uid": "u", "prompts": torch.tensor([5]), "responses": torch.tensor([6, 7]), "session_id": 1}]
    first = api.kv_batch_put(keys=keys, partition_id="train", fields=list_of_dict_to_tensordict(rows),
                             tags=[{"status": "success"}, {"status": "success", "is_padding": True}])
    more = list_of_dict_to_tensordict([{"adv": torch.tensor([0.5])}, {"adv": torch.tensor([1.0, 2.0])}])
    second = api.kv_batch_put(keys=keys, partition_id="train", fields=more)
    got = api.kv_batch_get(keys=keys[::-1], partition_id="train", select_fields=["uid", "prompts", "adv", "entropy"])
    out = {"first tags": first.tags, "second tags": second.tags, "fields": sorted(second.fields),
           "got": sorted(got.keys()), "uid type": type(got["uid"]).__name__, "uids": list(got["uid"]),
           "nested": got["prompts"].is_nested, "prompts": [p.tolist() for p in got["prompts"].unbind()],
           "adv": [a.tolist() for a in got["adv"].unbind()]}
    with pytest.raises(ValueError):
        api.kv_batch_get(keys=["nope"], partition_id="train")
    return out


@pytest.fixture(scope="module")
def real_tq():
    import ray
    import transfer_queue as tq

    ray.init(num_cpus=4, include_dashboard=False, log_to_driver=False)  # controller + 2 units
    try:
        tq.init()
        yield tq
        tq.close()
    finally:
        ray.shutdown()


def test_fake_transfer_queue_answers_as_the_real_one(real_tq):
    fake, real = answers(FakeTransferQueue()), answers(real_tq)
    for key in real:
        assert fake[key] == real[key], f"{key}: fake {fake[key]!r}, real {real[key]!r}"


def test_v1_trace_is_the_same_on_the_real_transfer_queue(real_tq, tmp_path, monkeypatch):
    from conftest import read_trace
    from v1_support import CPUTrainer, script, verl_config

    from treepo_verl.runner import close_hooks, install_v1

    install_v1(CPUTrainer)
    traces = {}
    for name in ("fake", "real"):
        if name == "fake":
            FakeTransferQueue().install(monkeypatch)
        trainer = CPUTrainer(verl_config(str(tmp_path / name), every=2), script)
        for step in (1, 2):
            trainer.run_step(step)
        close_hooks()
        monkeypatch.undo()  # the real client functions back
        traces[name] = read_trace(str(tmp_path / name / "v1.trace.jsonl.gz"))
    assert [x.get("rollout") for x in traces["real"] if x.get("kind") == "rollout_started"] == [2]
    assert traces["fake"] == traces["real"]
