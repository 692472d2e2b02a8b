package dev.jipc.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A child was reaped, mostly on the reactor thread: no stack trace, which would say nothing. */
@Name("dev.jipc.ChildExited")
@Label("Child Exited")
@Category({"jipc"})
@Description("A child process of jipc exited and was reaped")
@StackTrace(false)
final class ChildExitedEvent extends Event {
    @Label("PID")
    long pid;

    @Label("Name")
    @Description("The child's name; spare for a spare of WarmChildren that exited before it took a task")
    String name;

    @Label("Status")
    @Description("exit N, signal N, signal N (core dumped), or lost when another waitpid in this process took it")
    String status;

    @Label("Exit Code")
    @Description("As ChildProcess.exitCode(): the exit status, or minus the signal number")
    int exitCode;

    @Label("Lifetime")
    @Description("From its start (for a warm child: from the handover of its task) to its reaping")
    @Timespan(Timespan.NANOSECONDS)
    long lifetime;
}
