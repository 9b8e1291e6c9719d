"""suite.provenance: what every result file records about the machine that made it."""

import json

from suite import provenance


def test_simd_flags_are_read_from_cpuinfo_in_a_fixed_order_and_unknown_flags_are_ignored(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor : 0\nmodel name : Some CPU\nflags : fpu avx2 sse4_2 avx512f xyz avx\n")
    assert provenance.cpu_simd_flags(info) == ["sse4_2", "avx", "avx2", "avx512f"]
    assert provenance.cpu_simd_flags(tmp_path / "missing") == []


def test_hardware_names_the_kernel_level_torch_dispatches_to_and_is_stable_between_calls():
    import torch

    hw = provenance.hardware()
    assert hw["torch_cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert isinstance(hw["cpu_flags"], list)
    assert json.dumps(provenance.collect(), sort_keys=True) == json.dumps(provenance.collect(), sort_keys=True)
