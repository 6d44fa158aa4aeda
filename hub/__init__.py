"""The kernel: the node's identity, its labs, the controlled lists, validators and the change log."""
