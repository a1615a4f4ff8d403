"""Discovery, probes and the scan engine; every packet leaves through `gate.Gate`."""
