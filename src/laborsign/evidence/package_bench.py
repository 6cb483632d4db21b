"""`laborsign bench evidence`'s package figure: offline verification of a completed contract."""

from __future__ import annotations

import time
from collections.abc import Iterator

from laborsign.bench import median_ms
from laborsign.evidence.package_sample import build_sample
from laborsign.evidence.package_verify import verify_package


def run(repeat: int = 10) -> Iterator[str]:
    built = time.perf_counter()
    sample = build_sample()
    build_ms = (time.perf_counter() - built) * 1000
    yield f"evidence package: {len(sample.package)} bytes, {len(sample.events)} events"
    yield f"evidence package export (sign + render + zip, in memory): {build_ms:.0f} ms"
    started = time.perf_counter()
    first = verify_package(sample.package)
    cold_ms = (time.perf_counter() - started) * 1000
    if not first.valid:
        yield "evidence verify: the sample package did not verify"
        return
    warm = median_ms(lambda: verify_package(sample.package), repeat=repeat, warmup=1)
    cpu = median_ms(
        lambda: verify_package(sample.package), repeat=repeat, warmup=0, clock=time.process_time
    )
    yield (
        f"evidence verify: first {cold_ms:.0f} ms, median {warm:.0f} ms wall, {cpu:.0f} ms CPU "
        "(target <= 1000 ms)"
    )
