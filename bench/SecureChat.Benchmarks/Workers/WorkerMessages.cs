// The parent and a worker exchange one JSON line each way per measurement.
using System.Text.Json.Serialization;
using SecureChat.Benchmarks.Measurements;

namespace SecureChat.Benchmarks.Workers;

/// <summary>Run <paramref name="Measurement"/> once with the sizes of <paramref name="Profile"/>.</summary>
/// <param name="Measurement">rtt, oneway, handshake, bulk or idle.</param>
/// <param name="Profile">full, quick or smoke.</param>
internal sealed record WorkerRequest(string Measurement, string Profile);

/// <summary>The measured values (one per metric) and costs, or why there are none.</summary>
/// <param name="Values">The values, in the measurement's metric order.</param>
/// <param name="Cost">The cost per operation, if the measurement counts one.</param>
/// <param name="Error">What went wrong.</param>
internal sealed record WorkerReply(double[]? Values, ProcessCost? Cost, string? Error);

/// <summary>Source-generated JSON for the worker protocol.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkerRequest))]
[JsonSerializable(typeof(WorkerReply))]
internal sealed partial class WorkerJson : JsonSerializerContext
{
}
