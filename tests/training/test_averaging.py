from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file

from model.modeldir import ModelDir
from model.normalize import Normalizer
from tests.fixture_texts import fixture_splits
from training import trainer
from training.averaging import WeightAverage
from training.config import TrainConfig
from training.trainer import TrainingInterrupted, train_transformer


def _net_with_a_frozen_part() -> torch.nn.Sequential:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    for p in net[0].parameters():
        p.requires_grad = False
    return net


def _step(net: torch.nn.Module, opt: torch.optim.Optimizer) -> None:
    opt.zero_grad()
    net(torch.ones(2, 3)).sum().backward()
    opt.step()


def test_the_average_follows_the_warmed_up_decay_and_leaves_frozen_parameters_out():
    net = _net_with_a_frozen_part()
    opt = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.1)
    avg = WeightAverage(net, decay=0.9)
    assert avg.names == ["1.weight", "1.bias"]
    expected = [p.detach().clone() for p in net[1].parameters()]
    for n in range(30):
        _step(net, opt)
        d = min(0.9, (1 + n) / (10 + n))
        expected = [d * e + (1 - d) * p.detach() for e, p in zip(expected, net[1].parameters(), strict=True)]
        avg.update()
    assert avg.updates == 30
    for a, e in zip(avg.average, expected, strict=True):
        assert torch.allclose(a, e, atol=1e-6)
    assert not torch.allclose(avg.average[0], net[1].weight)  # an average, not the last step's weights


def test_the_average_is_swapped_in_and_the_own_weights_come_back_even_after_an_error():
    net = _net_with_a_frozen_part()
    opt = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.1)
    avg = WeightAverage(net, decay=0.5)
    for _ in range(3):
        _step(net, opt)
        avg.update()
    own = net[1].weight.detach().clone()
    with avg.swapped_in():
        assert torch.equal(net[1].weight, avg.average[0])
    assert torch.equal(net[1].weight, own)
    with pytest.raises(RuntimeError, match="scoring failed"), avg.swapped_in():
        raise RuntimeError("scoring failed")
    assert torch.equal(net[1].weight, own)


def test_the_warm_up_power_sets_how_far_back_the_average_reaches_until_the_decay_binds():
    """Power 8 is the warm-up that models before the option were trained with, (1 + n) / (10 + n); a lower power
    reaches further back (its decay is higher after the same number of updates), power 0 is the plain mean of the
    starting weights and every step's."""
    net = _net_with_a_frozen_part()
    eight, three, zero = (WeightAverage(net, decay=0.998, power=p) for p in (8.0, 3.0, 0.0))
    for n in range(1600):
        assert eight.step_decay() == pytest.approx((1 + n) / (10 + n))
        assert three.step_decay() == pytest.approx((1 + n) / (5 + n))
        assert three.step_decay() > eight.step_decay()
        for avg in (eight, three, zero):
            avg.updates += 1
    assert eight.step_decay() < 0.998  # a default run's 1,600 updates never reach the decay asked for
    eight.updates = 4500
    assert eight.step_decay() == 0.998
    opt = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.1)
    mean = WeightAverage(net, decay=0.999, power=0.0)
    seen = [net[1].weight.detach().clone()]  # the pretrained weights count once, as the first of the steps
    for _ in range(5):
        _step(net, opt)
        mean.update()
        seen.append(net[1].weight.detach().clone())
    assert torch.allclose(mean.average[0], torch.stack(seen).mean(0), atol=1e-6)
    with pytest.raises(ValueError, match="power must be 0 or more"):
        WeightAverage(net, decay=0.9, power=-1.0)
    with pytest.raises(ValueError, match="ema_power"):
        TrainConfig.from_recipe("tiny", ema_decay=0.9, ema_power=-2.0)
    with pytest.raises(ValueError, match="ema_power=3 found without ema_decay.*Fix: add --set ema_decay"):
        TrainConfig.from_recipe("tiny", ema_power=3.0)
    assert WeightAverage(net, decay=0.9).last_decay() is None  # no update yet
    assert eight.warm_up_window() == pytest.approx(0.226, abs=1e-3)  # the last 23% of the steps
    assert three.warm_up_window() == pytest.approx(0.438, abs=1e-3)  # the last 44%
    assert zero.warm_up_window() == pytest.approx(0.9)  # the plain mean: nine tenths of the steps
    assert mean.last_decay() == pytest.approx(5 / 6)  # the fifth update: (1 + 4) / (2 + 0 + 4)


def test_a_decay_outside_zero_and_one_and_a_state_of_other_parameters_are_refused():
    net = _net_with_a_frozen_part()
    with pytest.raises(ValueError, match="between 0 and 1"):
        WeightAverage(net, decay=1.0)
    with pytest.raises(ValueError, match="decay"):
        TrainConfig.from_recipe("tiny", ema_decay=1.5)
    other = WeightAverage(torch.nn.Linear(3, 2), decay=0.9)
    with pytest.raises(ValueError, match="2 trained parameters was expected.*Fix: resume"):
        WeightAverage(net, decay=0.9).load_state_dict({**other.state_dict(), "extra": torch.zeros(1)})


def test_a_training_with_an_average_saves_the_evaluated_average(tmp_path, tiny_encoder_dir, monkeypatch):
    """One epoch, evaluated once at its end: the model directory holds the average there, not the last step's
    weights, and records the decay it was trained with."""
    made: list[WeightAverage] = []

    class Recorded(WeightAverage):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

        def update(self) -> None:
            super().update()
            self.last = [p.detach().clone() for p in self.params]  # the loop's own weights after this step

    monkeypatch.setattr(trainer, "WeightAverage", Recorded)
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=1, ema_decay=0.8)
    out = tmp_path / "ema"
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, out)
    (avg,) = made
    assert avg.updates > 0
    saved = load_file(str(ModelDir(out).weights))
    for name, a in zip(avg.names, avg.average, strict=True):
        assert torch.allclose(saved[name], a), name
    assert any(not torch.allclose(saved[n], p) for n, p in zip(avg.names, avg.last, strict=True))
    assert ModelDir(out).check()["weight_average"] == {
        "decay": 0.8,
        "power": 8.0,
        "updates": avg.updates,
        "last_decay": round(min(0.8, avg.updates / (9 + avg.updates)), 5),  # the last update's, n - 1 = updates - 1
    }


def test_a_run_with_an_average_that_crashed_resumes_to_the_weights_of_an_unbroken_run(tmp_path, tiny_encoder_dir):
    cfg = TrainConfig.from_recipe(
        "tiny", base_model=str(tiny_encoder_dir), epochs=2, checkpoint_every_steps=2, ema_decay=0.8
    )
    unbroken = tmp_path / "unbroken"
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, unbroken)

    def crash(step: int) -> None:
        if step == 5:
            raise TrainingInterrupted("simulated crash")

    resumed = tmp_path / "resumed"
    with pytest.raises(TrainingInterrupted):
        train_transformer(cfg, fixture_splits(), Normalizer(), {}, resumed, step_hook=crash)
    assert list((tmp_path / "resumed.checkpoint").glob("step-*/average.safetensors"))
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, resumed)
    wa, wb = (load_file(str(ModelDir(d).weights)) for d in (unbroken, resumed))
    assert wa.keys() == wb.keys()
    for name in wa:
        assert torch.allclose(wa[name], wb[name], atol=1e-5), name


def test_a_flat_learning_rate_stays_flat_after_the_warm_up_and_needs_an_average():
    from training.trainer import lr_factor

    assert lr_factor(29, 0.0, 1000, 600.0, 0.06, decay=False) == pytest.approx(0.5)  # still warming up
    assert lr_factor(500, 590.0, 1000, 600.0, 0.06, decay=False) == 1.0
    assert lr_factor(500, 590.0, 1000, 600.0, 0.06) < 0.02  # the linear decay, for comparison
    with pytest.raises(ValueError, match="lr_schedule='flat' found without ema_decay.*Fix: add --set ema_decay"):
        TrainConfig.from_recipe("tiny", lr_schedule="flat")
    assert TrainConfig.from_recipe("tiny", lr_schedule="flat", ema_decay=0.99).lr_schedule == "flat"


def test_the_budgeted_recipes_share_the_flat_rate_and_the_average():
    """`default` and `fast` both run a loop that a time budget ends part-way through the epoch: both hold the rate
    at its peak after a warm-up that ends by the budget, and keep a moving average (sixty-eighth session for `fast`);
    `full` runs whole epochs with early stopping and keeps its linear decay."""
    for recipe in ("default", "fast"):
        cfg = TrainConfig.from_recipe(recipe)
        assert (cfg.lr_schedule, cfg.ema_decay, cfg.warmup_by) == ("flat", 0.998, "budget"), recipe
    full = TrainConfig.from_recipe("full")
    assert (full.lr_schedule, full.ema_decay, full.warmup_by) == ("linear", None, "steps")
