#!/bin/sh
# Creates .venv-verl in the repository: the real `verl` package from PyPI (for its DataProto) on
# the CPU build of PyTorch, plus pytest and the treepo-verl hook (integrations/verl) in editable
# mode, so the hook's tests run against verl itself rather than a stand-in.
#   scripts/setup-verl.sh            (uses python3 from PATH; PYTHON=... to choose another)
# torch==2.13.0+cpu comes from a local wheel on this machine kind (pip's find-links); PyPI's own
# torch wheel pulls gigabytes of CUDA, so the +cpu pin matters. The install time is printed at the
# end (docs/verl.md records the measured one).
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
start=$(date +%s)
if [ ! -x .venv-verl/bin/python ]; then
  "$PYTHON" -m venv .venv-verl
fi
# verl's V1 trainer (trainer.use_v1, 0.9's default) imports TransferQueue and, through its agent
# loop, cachetools, fastapi and uvicorn: verl lists them only under its heavy `verl-core` extra.
.venv-verl/bin/pip install --quiet torch==2.13.0+cpu verl TransferQueue cachetools fastapi uvicorn pytest
.venv-verl/bin/pip install --quiet --no-deps -e integrations/verl
.venv-verl/bin/python -W ignore -c "import verl, torch, transfer_queue, verl.trainer.ppo.v1; print('verl ready:', verl.__version__, 'torch', torch.__version__, 'TransferQueue', transfer_queue.__version__)"
echo "setup-verl: $(( $(date +%s) - start )) s"
