using Ipc.Lab.Native;

namespace Ipc.Lab.Signals;

/// <summary>Hardware-sourced signals on purpose. In managed code the .NET runtime turns a CPU fault into an
/// exception (1 / 0 throws DivideByZeroException, a null dereference NullReferenceException), so the process
/// lives on; a fault inside native code is not the runtime's to recover from, and the process dies of the
/// signal, as a C program would. Call these in a child, never in the notebook's own process.</summary>
public static unsafe class Faults
{
    /// <summary>Reads address 16, which is never mapped, inside libc's strlen: SIGSEGV.</summary>
    public static void ReadUnmappedMemory() => SignalCalls.strlen((byte*)16);

    /// <summary>Integer division by zero inside libc's div(3): the CPU raises a divide error, SIGFPE.</summary>
    public static void DivideByZeroInNativeCode(int numerator = 1) => SignalCalls.div(numerator, 0);
}
