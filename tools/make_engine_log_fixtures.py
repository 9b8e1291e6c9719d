"""Training logs written by an engine's own metric and logging code, for the tests of `longcot collect --engine-log`.

    python tools/make_engine_log_fixtures.py tests/data/engine_logs      # needs verl (pip install -e '.[verl]')

verl: six PPO "iterations" of a batch of 8 responses (lengths drawn from a fixed generator, growing over the
iterations, some cut at the 32-token limit), turned into metrics by verl's `compute_data_metrics` and written by its
`Tracking` file backend (`{"step", "data"}` per line), with a validation accuracy every 2 steps under verl's own key
(`val-core/<data_source>/acc/mean@1`). Only the numbers are synthetic; every key and the file format are verl's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import torch


def verl_log(out_dir: Path) -> Path:
    from verl import DataProto
    from verl.trainer.ppo.metric_utils import compute_data_metrics
    from verl.utils.tracking import Tracking

    path = out_dir / "verl_file_logger.jsonl"
    path.unlink(missing_ok=True)
    os.environ["VERL_FILE_LOGGER_PATH"] = str(path)
    tracking = Tracking(project_name="longcot", experiment_name="fixture", default_backend=["file"])
    g = torch.Generator().manual_seed(0)
    B, P, T = 8, 6, 32
    for step in range(1, 7):
        lengths = torch.clamp(torch.randint(8 + 3 * step, 20 + 3 * step, (B,), generator=g), max=T)
        response_mask = (torch.arange(T)[None] < lengths[:, None]).long()
        attention = torch.cat([torch.ones(B, P, dtype=torch.long), response_mask], dim=1)
        correct = (torch.rand(B, generator=g) < 0.4 + 0.05 * step).float()
        scores = torch.zeros(B, T)
        scores[torch.arange(B), lengths - 1] = correct
        batch = DataProto.from_dict(tensors={
            "prompts": torch.zeros(B, P, dtype=torch.long), "responses": torch.zeros(B, T, dtype=torch.long),
            "attention_mask": attention, "response_mask": response_mask, "token_level_scores": scores,
            "token_level_rewards": scores, "advantages": torch.randn(B, T, generator=g) * response_mask,
            "returns": scores.flip(-1).cumsum(-1).flip(-1), "values": torch.rand(B, T, generator=g),
        })
        metrics = compute_data_metrics(batch, use_critic=True)
        metrics.update({"actor/entropy": 1.0 - 0.05 * step, "actor/pg_loss": 0.01 * step,
                        "actor/pg_clipfrac": 0.02, "critic/vf_loss": 0.5 / step})
        if step % 2 == 0:
            metrics["val-core/math/acc/mean@1"] = 0.30 + 0.02 * step
        tracking.log(data=metrics, step=step)
    tracking.logger["file"].finish()
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    print(verl_log(out))
