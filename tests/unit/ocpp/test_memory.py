"""The in-process message pipe (csms/ocpp/memory.py): order, close semantics, what a closed end raises."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from csms.ocpp.memory import memory_pipe


async def read_all(end: object) -> list[str]:
    return [message async for message in end]  # type: ignore[attr-defined]


async def test_messages_arrive_in_order_at_the_other_end_only() -> None:
    client, server = memory_pipe("ocpp2.0.1")
    assert client.subprotocol == server.subprotocol == "ocpp2.0.1"
    reader = asyncio.create_task(read_all(server))
    for i in range(5):
        await client.send(f"m{i}")
    await server.send("back")
    await client.close()
    assert await reader == ["m0", "m1", "m2", "m3", "m4"]
    assert await read_all(client) == ["back"]  # sent before the close: still read


async def test_a_message_is_readable_on_the_next_loop_turn() -> None:
    client, server = memory_pipe(None)
    received: list[str] = []

    async def reader() -> None:
        async for message in server:
            received.append(message)

    task = asyncio.create_task(reader())
    await asyncio.sleep(0)  # the reader waits
    await client.send("x")
    assert received == []  # not inline: the sender's turn finishes first
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert received == ["x"]
    await server.close()
    await task


async def test_closing_either_end_closes_both_with_its_code_and_send_raises() -> None:
    client, server = memory_pipe("ocpp2.1")
    reader = asyncio.create_task(read_all(client))
    await server.close(1008, "no BootNotification")
    assert await reader == []
    for end in (client, server):
        assert end.state is State.CLOSED and end.close_code == 1008 and end.close_reason == "no BootNotification"
        with pytest.raises(ConnectionClosed):
            await end.send("late")
    await client.close(1000)  # a second close changes nothing
    assert client.close_code == 1008


async def test_a_message_over_the_receivers_size_limit_closes_both_ends_with_1009() -> None:
    client, server = memory_pipe("ocpp2.0.1", server_max_size=100)
    await client.send("x" * 100)  # at the limit: delivered
    await client.send("é" * 50)  # 50 characters, 100 bytes: delivered
    with pytest.raises(ConnectionClosed):
        await client.send("é" * 51)  # 102 bytes
    assert client.close_code == server.close_code == 1009
    assert await read_all(server) == ["x" * 100, "é" * 50]
