// Started by OrphanTests with `dotnet Ipc.Lab.Tests.Orphans.dll`. Starts one of everything that must not
// outlive it, prints one line that says what it started, then waits until it is killed (bounded: it exits
// on its own after two minutes, so a broken test cannot leave it behind either). With the argument
// "objects" it makes one kernel object of each kind that outlives processes instead (but a POSIX message queue,
// which the guardian leaves to the next start: MessageQueueTests covers that).
using Ipc.Lab.MessageQueues;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Semaphores;
using Ipc.Lab.SharedMemory;
using Ipc.Lab.Sockets;
using static Ipc.Lab.Sockets.SocketConstants;

if (args is ["sockets"])
{
    // A listener of ours, one held by a child only, a socket file of ours and one a child bound.
    var tcp = Socket.Tcp();
    tcp.Bind(0);
    tcp.Listen();
    var unix = Socket.Unix();
    unix.Bind(SockAddr.Unix("orphan-srv"));
    unix.Listen();
    var given = Socket.Tcp();
    given.Bind(0);
    given.Listen();
    var holder = Fork.Run(given, l =>
    {
        var s = Socket.Unix(SOCK_DGRAM);
        s.Bind(SockAddr.Unix("orphan-child"));
        Console.WriteLine(s.LocalAddress.Path);
        Thread.Sleep(Timeout.Infinite);
    }, name: "holder");
    holder.WaitForOutput("orphan-child", TimeSpan.FromSeconds(60));
    int givenPort = given.Port;
    given.Close();
    Console.WriteLine($"READY tcp={tcp.Port} given={givenPort} unix={unix.LocalAddress.Path} child={holder.StandardOutput.Trim()} holder={holder.Pid}");
    Thread.Sleep(TimeSpan.FromMinutes(2));
    return 3;
}

if (args is ["foreign-queue", var keyText, var idText])
{
    // Run as another user by MessageQueueTests: what this library says when a queue of someone else's is used.
    int key = int.Parse(keyText), id = int.Parse(idText);
    foreach (var attempt in new Action[] { () => SysVMessageQueue.Get(key, 0), () => SysVMessageQueue.Open(id).Send(1, "x") })
    {
        try
        {
            attempt();
            Console.WriteLine("ALLOWED");
        }
        catch (Exception e)
        {
            Console.WriteLine($"REFUSED {e.Message.ReplaceLineEndings(" ")}");
        }
    }
    return 0;
}

if (args is ["objects"])
{
    var shm = SysVSharedMemory.Create(4096);
    var sems = SysVSemaphoreSet.Create([1, 0]);
    var posixShm = PosixSharedMemory.Create("orphan-shm", 4096);
    var posixSem = PosixSemaphore.Create("orphan-sem", 1);
    var msg = SysVMessageQueue.Create();
    msg.Send(1, "left behind");
    Console.WriteLine($"READY shm={shm.Id}:{shm.Key} sem={sems.Id}:{sems.Key} posixshm={posixShm.Name} posixsem={posixSem.Name} msg={msg.Id}:{msg.Key}");
    Thread.Sleep(TimeSpan.FromMinutes(2));
    return 3;
}

var csharp = Fork.Run(() => Thread.Sleep(Timeout.Infinite), name: "sleeper");
var native = Command.Start("sleep", "300");
var pipeline = Shell.Start("sleep 301 | sleep 302");
var fifo = Fifo.Create("orphan-test");

Console.WriteLine($"READY csharp={csharp.Pid} native={native.Pid} pipeline={string.Join(",", pipeline.Stages.Select(s => s.Pid))} fifo={fifo.Path}");
Thread.Sleep(TimeSpan.FromMinutes(2));
return 3;
