"""Known wrong: the child ends its stream with a None sentinel and the reader stops there, never
expecting EOFError. A child that dies sends no sentinel, and EOFError escapes the reader."""
from multiprocessing import Pipe, Process

from solutions.pipes import answer_requests, ask  # noqa: F401


def send_items(writer, produce, arg):
    for item in produce(arg):
        writer.send(item)
    writer.send(None)
    writer.close()


def collect_from_child(produce, arg):
    reader, writer = Pipe(duplex=False)
    child = Process(target=send_items, args=(writer, produce, arg))
    child.start()
    writer.close()
    items = []
    while (item := reader.recv()) is not None:
        items.append(item)
    child.join()
    return items, child.exitcode
