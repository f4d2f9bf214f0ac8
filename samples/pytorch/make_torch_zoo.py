#!/usr/bin/python3
"""A small zoo trained and saved by real PyTorch, for `zoo import` (README, "Networks trained elsewhere").

Four MLPs with BatchNorm (6-16-16-2), SGD at four learning rates, a checkpoint every 2 epochs (so the import
reports gaps), a metrics.csv with PyTorch-style column names. safetensors is not in Debian, so the writer follows
the format by hand, as safetensors.torch.save_file would. Run: /usr/bin/python3 samples/pytorch/make_torch_zoo.py OUT
"""
import json, os, struct, sys

import torch
import torch.nn as nn
def save(sd, path):
    header, blobs, off = {}, [], 0
    for k, t in sd.items():
        d = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(d)]}; blobs.append(d); off += len(d)
    raw = json.dumps(header).encode(); raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw))); f.write(raw); [f.write(b) for b in blobs]
OUT = sys.argv[1] if len(sys.argv) > 1 else "torch_zoo"
torch.manual_seed(0)
X = torch.randn(512, 6); y = (X[:, 0] * X[:, 1] + X[:, 2] > 0).long()
for run in range(4):
    os.makedirs(f"{OUT}/seed{run}", exist_ok=True)
    net = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.05 * (run + 1))
    rows = ["epoch,train_acc,val_acc,train_loss,val_loss"]
    for epoch in range(0, 13):
        if epoch > 0:
            net.train()
            for i in range(0, 384, 32):
                opt.zero_grad(); loss = nn.functional.cross_entropy(net(X[i:i+32]), y[i:i+32]); loss.backward(); opt.step()
        net.eval()
        with torch.no_grad():
            tr = net(X[:384]); te = net(X[384:])
            rows.append(f"{epoch},{(tr.argmax(1)==y[:384]).float().mean():.4f},{(te.argmax(1)==y[384:]).float().mean():.4f},{nn.functional.cross_entropy(tr,y[:384]):.4f},{nn.functional.cross_entropy(te,y[384:]):.4f}")
        if epoch % 2 == 0 or epoch == 12: save(net.state_dict(), f"{OUT}/seed{run}/epoch_{epoch:03d}.safetensors")
    open(f"{OUT}/seed{run}/metrics.csv", "w").write("\n".join(rows) + "\n")
