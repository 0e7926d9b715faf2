// Started by OrphanTests with `dotnet Ipc.Lab.Tests.Orphans.dll`. Starts one of everything that must not
// outlive it, prints one line that says what it started, then waits until it is killed (bounded: it exits
// on its own after two minutes, so a broken test cannot leave it behind either).
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;

var csharp = Fork.Run(() => Thread.Sleep(Timeout.Infinite), name: "sleeper");
var native = Command.Start("sleep", "300");
var pipeline = Shell.Start("sleep 301 | sleep 302");
var fifo = Fifo.Create("orphan-test");

Console.WriteLine($"READY csharp={csharp.Pid} native={native.Pid} pipeline={string.Join(",", pipeline.Stages.Select(s => s.Pid))} fifo={fifo.Path}");
Thread.Sleep(TimeSpan.FromMinutes(2));
return 3;
