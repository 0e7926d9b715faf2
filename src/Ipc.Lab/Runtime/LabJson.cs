using System.Text.Json.Serialization;
using Ipc.Lab.Diagnostics;

namespace Ipc.Lab.Runtime;

/// <summary>Source-generated serializers for what crosses process boundaries. A child host starts measurably
/// faster without reflection-based JSON (less to JIT before the body runs).</summary>
[JsonSerializable(typeof(ChildJob))]
[JsonSerializable(typeof(ControlMessage))]
[JsonSerializable(typeof(TraceEvent))]
internal sealed partial class LabJson : JsonSerializerContext;
