namespace Ipc.Notebooks.Runner.Jupyter;

// The Python side of the kernel engine: runs chosen cells of one notebook in a Jupyter kernel with nbclient — the
// library behind `jupyter nbconvert --execute`, so the kernel sees exactly what a Jupyter front end sends — and
// reports each cell as one JSON line. Kept here as text and written next to each run, so the runner ships as one
// assembly and the script always matches the runner that reads its events.
internal static class NbclientDriver
{
    public const string FileName = "ipc_nbclient_driver.py";

    public const string Source = """
        # Written by ipc-notebooks for its kernel engine; see Jupyter/NbclientDriver.cs in the runner.
        # usage: python3 ipc_nbclient_driver.py SPEC.json
        # SPEC: notebook, workingDirectory, kernelName, cellTimeout, startupTimeout, cells: [[index, executionCount], ...]
        # Events on stdout, one JSON object per line: launching, started (pid), ready, cell, timeout, died, retry, fatal.
        import asyncio
        import json
        import os
        import random
        import sys
        import time
        import traceback

        # The kernel inherits our stdout and logs to it; our events get a private copy of the descriptor, and
        # everything else that writes to fd 1 (the kernel included) goes to stderr instead.
        channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
        os.dup2(2, 1)


        def emit(event, **fields):
            fields["event"] = event
            fields["time"] = time.time()
            channel.write(json.dumps(fields, ensure_ascii=False, default=str) + "\n")
            channel.flush()


        # The kernel died before the first cell's result: a start-up failure, not the notebook's doing.
        class Retry(Exception):
            pass


        async def run(spec):
            import nbformat

            # Two kernels starting at the same moment pick the same HTTP port (the kernel scans its port range from
            # the bottom) and one of them dies binding it, sometimes only after answering kernel_info. Start again.
            attempts = 4
            for attempt in range(1, attempts + 1):
                nb = nbformat.read(spec["notebook"], as_version=4)  # fresh: no output of a failed attempt stays
                try:
                    await run_once(spec, nb, last=attempt == attempts)
                    return
                except Retry as e:
                    emit("retry", attempt=attempt, attempts=attempts, message=str(e))
                    await asyncio.sleep(random.uniform(0.5, 3.0))


        async def run_once(spec, nb, last):
            from nbclient import NotebookClient
            from nbclient.exceptions import CellTimeoutError, DeadKernelError

            client = NotebookClient(
                nb,
                kernel_name=spec["kernelName"],
                timeout=spec["cellTimeout"],
                startup_timeout=spec["startupTimeout"],
                allow_errors=True,  # the runner judges errors against the cell's tags
                record_timing=True,
                # The kernel's working directory: notebooks #r "../artifacts/lab/Ipc.Lab.dll" relative to their own folder.
                resources={"metadata": {"path": spec["workingDirectory"]}},
            )
            client.km = client.create_kernel_manager()
            emit("launching")
            await client.async_start_new_kernel()
            emit("started", pid=getattr(client.km.provisioner, "pid", None))
            try:
                await client.async_start_new_kernel_client()  # cleans the kernel up itself when it fails
            except RuntimeError as e:
                if last:
                    raise
                raise Retry(f"the kernel did not start: {e}")
            emit("ready")
            reported = False
            async with client.async_setup_kernel():
                for index, count in spec["cells"]:
                    cell = nb.cells[index]
                    try:
                        await client.async_execute_cell(cell, index, execution_count=count)
                    except CellTimeoutError:
                        # A stuck kernel does not answer a polite shutdown: kill it when the context ends.
                        client.shutdown_kernel = "immediate"
                        emit("timeout", index=index, outputs=cell.get("outputs", []))
                        return
                    except DeadKernelError:
                        if not reported and not last:
                            raise Retry("the kernel died before the first cell's result")
                        emit("died", index=index, outputs=cell.get("outputs", []))
                        return
                    emit("cell", index=index, outputs=cell.get("outputs", []), execution=cell.metadata.get("execution", {}))
                    reported = True


        def main():
            with open(sys.argv[1], encoding="utf-8") as f:
                spec = json.load(f)
            try:
                asyncio.run(run(spec))
            except Exception as e:
                emit("fatal", message=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
                return 1
            return 0


        sys.exit(main())
        """;
}
