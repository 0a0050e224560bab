"""`python -m treepo_verl.main <verl's Hydra overrides> +trainer.treepo_trace_dir=DIR`:
verl's PPO entry point with the treepo hook (same config files, same overrides, same checks)."""

import os

import hydra
from verl.trainer import main_ppo

from .runner import task_runner_class

CONFIG = os.path.join(os.path.dirname(main_ppo.__file__), "config")


@hydra.main(config_path=CONFIG, config_name="ppo_trainer", version_base=None)
def main(config):
    if hasattr(main_ppo, "auto_set_device"):
        main_ppo.auto_set_device(config)
    if hasattr(main_ppo, "validate_config"):  # verl 0.9's main checks the config first too
        main_ppo.validate_config(config=config, use_reference_policy=main_ppo.need_reference_policy(config),
                                 use_critic=main_ppo.need_critic(config))
    main_ppo.run_ppo(config, task_runner_class=task_runner_class(config))


if __name__ == "__main__":
    main()
