"""Virtual municipal networks with known answers: topologies, simulated devices, and their runner."""
