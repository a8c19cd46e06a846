using Diffusion.EndUsers.Deployments;
using Diffusion.EndUsers.Quota;
using Diffusion.EndUsers.Rules;
using Diffusion.EndUsers.Screening;
using Diffusion.EndUsers.Storage;
using Diffusion.Rules;
using Grpc.Core;
using Npgsql;

namespace Diffusion.EndUsers.Grpc;

/// <summary>
/// The one mapping of EndUsers' domain and infrastructure exceptions to gRPC statuses, shared by the VEU registry and
/// restricted-party screening (both run on the same store and the same ledger).
/// </summary>
internal static class StatusGuard
{
    /// <summary>Runs <paramref name="call"/>, turning the domain's and the infrastructure's exceptions into statuses.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (KeyNotFoundException e)
        {
            throw new RpcException(new Status(StatusCode.NotFound, e.Message));
        }
        catch (UnknownEntryException e)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"entry_id: {e.Message}"));
        }
        catch (IdempotencyConflictException e)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"{e.Field}: {e.Message}"));
        }
        catch (PreconditionFailedException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"{e.Field}: {e.Message}"));
        }
        catch (NoListLoadedException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (RuleSetResolutionException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (RuleSetWithoutVeuException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (QuotaUnavailableException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"quota unavailable, nothing recorded: {e.Message}"));
        }
        catch (NpgsqlException e) when (e.IsTransient || e is not PostgresException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"ledger unavailable: {e.Message}"));
        }
    }
}
