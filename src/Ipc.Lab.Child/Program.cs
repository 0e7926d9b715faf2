// The child host: every C# child a notebook starts runs this, then the body it is sent.
return Ipc.Lab.Runtime.ChildRuntime.Run(args);
