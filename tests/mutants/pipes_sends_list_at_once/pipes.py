"""Known wrong: the child collects every item and sends them as one list at the end, so a child
that dies partway delivers nothing."""
from multiprocessing import Pipe, Process

from solutions.pipes import answer_requests, ask  # noqa: F401


def send_items(writer, produce, arg):
    writer.send(list(produce(arg)))
    writer.close()


def collect_from_child(produce, arg):
    reader, writer = Pipe(duplex=False)
    child = Process(target=send_items, args=(writer, produce, arg))
    child.start()
    writer.close()
    items = []
    while True:
        try:
            items.extend(reader.recv())
        except EOFError:
            break
    child.join()
    return items, child.exitcode
