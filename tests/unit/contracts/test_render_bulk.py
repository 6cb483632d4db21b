"""Bulk rendering in worker processes: order, identical bytes, failures per contract."""

from __future__ import annotations

from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract, TemplateId
from laborsign.contracts.render import shared_renderer
from laborsign.contracts.render.bench import nth_contract
from laborsign.contracts.render.bulk import RenderPool
from laborsign.contracts.render.renderer import RenderedContract
from laborsign.errors import RenderError


def _undrawable() -> Contract:
    contract = example_contract()
    worker = contract.worker.model_copy(update={"name": "李\U00031350"})
    return contract.model_copy(update={"worker": worker})


def test_workers_render_in_order_the_same_bytes_as_this_process() -> None:
    contracts = [
        nth_contract(1),
        example_contract(TemplateId.DISPATCH),
        _undrawable(),
        nth_contract(2),
        nth_contract(3),
    ]
    with RenderPool(processes=2) as pool:
        pool.wait_until_warm()
        results = list(pool.render_many(contracts, chunksize=2))
        assert pool.worker_cpu_seconds > 0
    assert len(results) == len(contracts)
    failure = results[2]
    assert isinstance(failure, RenderError)
    assert failure.field == "worker.name"
    assert "U+31350" in failure.message.en
    local = shared_renderer()
    for contract, result in zip(contracts, results, strict=True):
        if contract is contracts[2]:
            continue
        assert isinstance(result, RenderedContract)
        expected = local.render(contract)
        assert result.pdf == expected.pdf
        assert result.boxes == expected.boxes
