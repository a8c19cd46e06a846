using System.Diagnostics.CodeAnalysis;

namespace Grpc.Core;

/// <summary>
/// Put by generated code on a service base class: names the static method that binds the service's methods,
/// <c>BindService(ServiceBinderBase, TServiceBase)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BindServiceMethodAttribute(
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)] Type bindType,
    string bindMethodName) : Attribute
{
    /// <summary>The type declaring the bind method.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)]
    public Type BindType { get; } = bindType;

    /// <summary>The bind method's name.</summary>
    public string BindMethodName { get; } = bindMethodName;
}
