import SANet
