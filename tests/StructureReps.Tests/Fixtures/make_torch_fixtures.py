#!/usr/bin/python3
"""Writes the PyTorch-side test fixtures, independently of our C# writer.

A seeded nn.Sequential MLP (4-8-8-3) and a small CNN (conv3x3(1->4) - ReLU - conv3x3(4->4, stride 2) - ReLU -
GAP - linear(4->3)) are saved as safetensors the way `safetensors.torch.save_file(model.state_dict())` does
(the safetensors package is not in Debian, so this follows the format: u64 LE header length, JSON header
padded with spaces to 8 bytes, F32 little-endian data in header order). Beside each, a JSON file holds a fixed
input and PyTorch's output, which the C# test reproduces after reading the weights.

Run with Debian's PyTorch: /usr/bin/python3 tests/StructureReps.Tests/Fixtures/make_torch_fixtures.py
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def save_safetensors(state_dict, path):
    header, blobs, offset = {}, [], 0
    for name, tensor in state_dict.items():
        data = tensor.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def save_with_output(model, x, name):
    """name.safetensors (the state_dict) and name.json (a fixed input and the model's output on it)."""
    save_safetensors(model.state_dict(), os.path.join(HERE, name + ".safetensors"))
    y = model(x).detach()
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump({"input_shape": list(x.shape), "input": x.flatten().tolist(),
                   "output_shape": list(y.shape), "output": y.flatten().tolist()}, f)


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, stride=2), nn.ReLU())
        self.classifier = nn.Linear(4, 3)

    def forward(self, x):
        return self.classifier(self.features(x).mean(dim=(2, 3)))


def main():
    torch.manual_seed(20261124)
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    x = torch.randn(5, 4)
    save_with_output(mlp, x, "torch_mlp")

    cnn = SmallCnn()
    xi = torch.randn(2, 1, 7, 7)
    save_with_output(cnn, xi, "torch_cnn")

    # For `zoo import`: BatchNorm to fold (running statistics from a few training-mode passes, outputs in eval
    # mode), named modules (conv1/bn1 …, so name order is not layer order), and a LayerNorm to refuse.
    torch.manual_seed(20261202)
    mlp_bn = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    for _ in range(5):
        mlp_bn(torch.randn(16, 4) * 2 + 1)
    mlp_bn.eval()
    x = torch.randn(5, 4)
    save_with_output(mlp_bn, x, "torch_mlp_bn")

    cnn_bn = NamedCnnBn()
    for _ in range(5):
        cnn_bn(torch.randn(4, 1, 7, 7) + 0.5)
    cnn_bn.eval()
    xi = torch.randn(2, 1, 7, 7)
    save_with_output(cnn_bn, xi, "torch_cnn_bn")

    layernorm = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.ReLU(), nn.Linear(8, 3))
    save_safetensors(layernorm.state_dict(), os.path.join(HERE, "torch_layernorm.safetensors"))


class NamedCnnBn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return self.fc(x.mean(dim=(2, 3)))


if __name__ == "__main__":
    main()
