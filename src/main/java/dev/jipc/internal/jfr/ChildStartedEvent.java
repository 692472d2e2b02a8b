package dev.jipc.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A child the application started; its duration is the start call's. Emitted through {@link Jfr}. */
@Name("dev.jipc.ChildStarted")
@Label("Child Started")
@Category({"jipc"})
@Description("A child process started by Jipc.spawn, Jipc.startProcess or WarmChildren.startProcess;"
        + " the duration is that call's")
@StackTrace(true)
final class ChildStartedEvent extends Event {
    @Label("PID")
    long pid;

    @Label("Kind")
    @Description("java: a child JVM running a task; native: a program started by Jipc.spawn")
    String kind;

    @Label("Command")
    @Description("native: the program (without its arguments); java: the task's class")
    String command;

    @Label("Name")
    @Description("The child's name: Process-N or the one given; for a native child, the program")
    String name;

    @Label("Warm")
    @Description("Whether a spare started ahead took the task (a warm start) rather than a new JVM")
    boolean warm;
}
