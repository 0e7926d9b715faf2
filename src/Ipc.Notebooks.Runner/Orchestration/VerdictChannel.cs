using Ipc.Notebooks.Runner.Protocol;

namespace Ipc.Notebooks.Runner.Orchestration;

// Where a grade's verdict comes from. The student's code runs in the worker and can write anything to any
// descriptor the worker holds — a results file, stdout, even the protocol pipe it finds in /proc/self/fd. So the
// grader believes a verdict only when it is the answer to the check command it sent: a CellDone for that cell
// that carries the 128-bit nonce of that command. The nonce exists in the grader, in the command on the pipe and
// in a local variable of the worker's main thread while the check runs; it is never in a static, a file or the
// environment. A forged line without it makes the check an error, not a pass.
internal static class VerdictChannel
{
    public static Verdict Accept(CheckCall check, CellDone? done)
    {
        if (done is null)
            return new Verdict(check.Exercise, 0, 0, "error", "the check did not finish (see the cell's error: a timeout, a crash or an exit of the notebook's process)", null, check.Nonce);
        if (done.Verdict is not { } verdict)
            return new Verdict(check.Exercise, 0, 0, "error", "the check cell gave no verdict", null, check.Nonce);
        if (verdict.Nonce != check.Nonce || verdict.Exercise != check.Exercise)
            return new Verdict(check.Exercise, 0, 0, "error",
                "a verdict arrived that the grader did not ask for (something in the notebook wrote to the grader's channel); the check is not counted", null, check.Nonce);
        return verdict;
    }
}
