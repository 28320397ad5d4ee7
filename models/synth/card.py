#!/usr/bin/python3
"""Render a tilt-synthesis model's card (README.md) from what train.py and evaluate.py wrote next to it.

  /usr/bin/python3 models/synth/card.py models/synth/lbp_small
"""
import csv
import json
import os
import sys


def write_card(model_dir):
    c = json.load(open(os.path.join(model_dir, "card.json")))
    rows = list(csv.DictReader(open(os.path.join(model_dir, "loss.csv"))))
    every = max(1, len(rows) // 12)
    loss = "\n".join(f"| {r['step']} | {r['seconds']} | {float(r['lr']):.1e} | {float(r['train_mse']):.4f} | {float(r['val_mse']):.4f} |"
                     for i, r in enumerate(rows) if i % every == every - 1 or i == len(rows) - 1)
    evaluation_path = os.path.join(model_dir, "evaluation.md")
    evaluation = open(evaluation_path).read() if os.path.exists(evaluation_path) else "Not run yet (`evaluate.py`).\n"
    p, t = c["parameters"], c["training"]
    name = os.path.basename(os.path.normpath(model_dir)).replace("_", "-")
    text = f"""# {name}: latent back-projection network (tilt synthesis)

Shipped for `--method latentbp --model {name}` and the page's "Synthesise tilts". Method and discussion:
[docs/synthesis.md](../../../docs/synthesis.md). Regenerate (seeded; CPU, one thread):

    models/synth/make_data.sh /tmp/synth/train 36
    /usr/bin/python3 models/synth/train.py --data /tmp/synth/train --out models/synth/{os.path.basename(os.path.normpath(model_dir))} --steps {t['steps']}
    /usr/bin/python3 models/synth/evaluate.py --model models/synth/{os.path.basename(os.path.normpath(model_dir))} --work /tmp/synth/eval

## Architecture

| part | file | input → output | parameters |
|---|---|---|---|
| encoder (2-D: strided conv 4×4/2, ResBlock, strided conv 4×4/2, ResBlock, 1×1 conv) | encoder.onnx | `tilts` [N, 1, H, W] → [N, C, H/{c['factor']}, W/{c['factor']}] | {p['encoder']:,} |
| back-projection at the tilts' angles, weight 1/K | the engine's projector | [K, C, h, w] → [C, D, h, w], D = ceil(thickness/{c['factor']}) | 0 |
| refiner (two residual blocks of 3×3×3 convs) | refiner.onnx | `volume` [1, C, D, h, w] → same | {p['refiner']:,} |
| projection at the new angles, weight 1/D | the engine's projector | [C, D, h, w] → [K', C, h, w] | 0 |
| decoder (conv, ResBlock, 2×2/2 transposed conv, ResBlock, 2×2/2 transposed conv) | decoder.onnx | `latent` [N, C, h, w] → [N, 1, 4h, 4w] | {p['decoder']:,} |

C = {c['channels']} latent channels, width {c['width']}, downsampling {c['factor']}× (not the paper's 16×: the demo series are
32–80 pixels wide). {sum(p.values()):,} parameters in all; {c['macs64'] / 1e6:.0f} M multiply-accumulates for a 64 × 64 series of
41 tilts synthesising 59 (convolutions only). Input: the series minus its mean over its std (population), zero-padded
to multiples of 4; the output is scaled back.

## Training

{t['series']} simulated series (`make_data.sh`: spheres, mixed, filaments, blobs, cell, lamella; 48–80 × 32–64 × 24–32,
recorded −87…87° in 3° steps), two more held out for the validation loss. Masked autoencoder: each step keeps the tilts
within ±R (R uniform 40…70°), hides 0–25 % of them, adds noise at −10…+10 dB and predicts 20 random tilts of the
noise-free truth (hidden, seen and beyond the range); MSE on the normalised tilts. Mirror augmentation. Adam, lr
{t['lr'][0]:g} → {t['lr'][1]:g} (cosine), {t['steps']} steps, seed {t['seed']}, {t['seconds'] / 60:.0f} min on one CPU thread.
Validation: the two held-out series given ±60° at 0 dB, every tilt beyond ±60° (normalised MSE).

| step | seconds | lr | train MSE | validation MSE |
|---|---|---|---|---|
{loss}

## Evaluation (`evaluate.py`)

{evaluation}"""
    with open(os.path.join(model_dir, "README.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    write_card(sys.argv[1])
