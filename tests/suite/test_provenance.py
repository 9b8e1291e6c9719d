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


def test_hardware_records_what_picks_the_kernels_threads_and_blas_builds():
    from suite.provenance import _torch_blas, hardware

    hw = hardware()
    assert isinstance(hw["torch_threads"], int) and hw["torch_threads"] >= 1
    assert "BLAS_INFO=" in hw["torch_blas"] or hw["torch_blas"] == "unknown"
    config = "  - Build settings: BLAS_INFO=mkl, BUILD_TYPE=Release, LAPACK_INFO=mkl, TORCH_VERSION=2.13.0"
    assert _torch_blas(config) == "BLAS_INFO=mkl, LAPACK_INFO=mkl"
    assert _torch_blas("nothing here") == "unknown"
