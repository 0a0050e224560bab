#!/bin/sh
# Creates .venv-peers in the repository with the CPU build of PyTorch and the HF libraries that
# the golden-fixture script (scripts/golden/make_fixtures.py) and the peer benchmarks use.
# Outside CI only: the committed fixtures are what the Swift tests read.
#   scripts/setup-peers.sh            (uses python3 from PATH; PYTHON=... to choose another)
#   WITH_LLAMA_CPP=1 scripts/setup-peers.sh   also builds llama-cpp-python from source for the
#                                     llama.cpp peer (bench/peers/llamacpp_generate.py): about 15
#                                     minutes on 2 busy cores (3.5–9 on quiet ones); needs cmake
#                                     and a C++ compiler
# torch==2.13.0+cpu comes from a local wheel on this machine kind (pip's find-links); PyPI's own
# torch wheel pulls gigabytes of CUDA, so the +cpu pin matters.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv-peers/bin/python ]; then
  "$PYTHON" -m venv .venv-peers
fi
.venv-peers/bin/pip install --quiet \
  torch==2.13.0+cpu transformers==5.24.0 tokenizers==0.23.3 safetensors==0.8.0 numpy \
  gguf==0.19.0 accelerate==1.15.0
if [ "${WITH_LLAMA_CPP:-0}" = 1 ]; then
  .venv-peers/bin/pip install --quiet llama-cpp-python==0.3.36
fi
.venv-peers/bin/python -c \
  "import torch, transformers, tokenizers; print('peers ready: torch', torch.__version__, \
'transformers', transformers.__version__, 'tokenizers', tokenizers.__version__)"
