namespace MaaS.Grpc;

/// <summary>
/// Marks an RPC whose work is costed, as <c>.WithAdmission()</c> marks an HTTP endpoint: the host maps the mark to its
/// admission (work budget, in-flight cap, fair work queue) when it maps the service, and
/// <see cref="IGrpcHost.AdmitAsync"/> charges the parsed call.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CostedCallAttribute : Attribute;
