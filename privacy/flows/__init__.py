"""Data flows: what devices send, to whom, in clear or not, from live captures and pcap files."""
