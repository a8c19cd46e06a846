using Diffusion.AppHost.Hosting;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>PostgreSQL as a local process, for machines without a container engine.</summary>
public static partial class LocalPostgresBuilderExtensions
{
    /// <summary>Where Debian's postgresql-15 package puts initdb and postgres.</summary>
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    private const string Package = "postgresql-15";
    private const string SetPriv = "/usr/bin/setpriv";

    /// <summary>
    /// Adds a PostgreSQL server (binaries from <c>AppHost:PostgresBinDirectory</c>, default <see cref="DefaultBinDirectory"/>;
    /// installed with apt-get when missing and running as root) with its data in <paramref name="dataDirectory"/>, kept
    /// across runs. A one-shot resource <c>{name}-init</c> runs initdb the first time; the server waits for it to
    /// complete. When the AppHost runs as root, both run as the user <c>postgres</c> (PostgreSQL refuses root).
    /// </summary>
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var bin = builder.Configuration["AppHost:PostgresBinDirectory"] ?? DefaultBinDirectory;
        var postgresPath = Path.Combine(bin, "postgres");
        var asPostgres = MachinePackages.IsRoot;
        var data = Path.GetFullPath(dataDirectory);

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, cancellationToken) => MachinePackages.EnsureAsync(
            postgresPath, Package, MachinePackages.IsRoot, @event.Services.GetRequiredService<ILogger<LocalPostgresResource>>(), cancellationToken));

        // initdb once: a shell step, because "only if the directory holds no cluster yet" and the ownership the
        // unprivileged user needs are a few lines of shell, and the step should show on the dashboard with its output.
        var initdb = $"{Path.Combine(bin, "initdb")} -D \"$PGDATA\" -U {LocalPostgresResource.UserName} --auth=trust -E UTF8 --locale=C.UTF-8";
        var script = asPostgres
            ? $"""
               set -e
               id -u {LocalPostgresResource.UserName} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin {LocalPostgresResource.UserName}
               mkdir -p "$PGDATA" && chown {LocalPostgresResource.UserName}: "$PGDATA" && chmod 700 "$PGDATA"
               if [ -s "$PGDATA/PG_VERSION" ]; then echo "$PGDATA holds a cluster already"; exit 0; fi
               exec {SetPriv} --reuid={LocalPostgresResource.UserName} --regid={LocalPostgresResource.UserName} --init-groups -- {initdb}
               """
            : $"""
               set -e
               mkdir -p "$PGDATA" && chmod 700 "$PGDATA"
               if [ -s "$PGDATA/PG_VERSION" ]; then echo "$PGDATA holds a cluster already"; exit 0; fi
               exec {initdb}
               """;
        var init = builder.AddExecutable($"{name}-init", "/bin/sh", builder.AppHostDirectory, "-c", script)
            .WithEnvironment("PGDATA", data)
            .WithIconName("DatabasePlugConnected");

        var postgres = new LocalPostgresResource(name, asPostgres ? SetPriv : postgresPath, builder.AppHostDirectory);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(postgres, async (_, cancellationToken) =>
            connectionString = await postgres.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));
        builder.Eventing.Subscribe<ResourceReadyEvent>(postgres, (@event, cancellationToken) =>
            CreateDatabasesAsync(postgres, connectionString, @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(postgres), cancellationToken));
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet")) + ";Database=postgres",
            name: healthCheckKey);

        return builder.AddResource(postgres)
            .WithEndpoint(name: LocalPostgresResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                string[] setpriv = [$"--reuid={LocalPostgresResource.UserName}", $"--regid={LocalPostgresResource.UserName}", "--init-groups", "--", postgresPath];
                foreach (var argument in asPostgres ? setpriv : [])
                {
                    context.Args.Add(argument);
                }
                context.Args.Add("-D");
                context.Args.Add(data);
                context.Args.Add("-p");
                context.Args.Add(postgres.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            // TCP on loopback only; no Unix socket (its default directory may not exist or be writable). Two Quota
            // replicas and EndUsers each keep a connection pool.
            .WithArgs("-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300")
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey)
            .WaitForCompletion(init);
    }

    /// <summary>
    /// Adds a database, created in the server once the server is ready (if absent); health-checked by connecting to it.
    /// <paramref name="name"/> is the connection-string name (<c>ConnectionStrings__{name}</c>).
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.AddDatabase(database.Name, database.DatabaseName);

        string? connectionString = null;
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, cancellationToken) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));
        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet"), name: healthCheckKey);

        // DCP reports the states of processes; Aspire copies them to the children of containers only, so a database
        // of a process follows its server here (and WaitFor(ledger) then waits for its health check, as for containers).
        builder.ApplicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(database, (@event, cancellationToken) =>
        {
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = FollowServerStateAsync(database, @event.Notifications, stopping);
            return Task.CompletedTask;
        });

        return builder.ApplicationBuilder.AddResource(database).WithHealthCheck(healthCheckKey);
    }

    private static async Task FollowServerStateAsync(
        LocalPostgresDatabaseResource database, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (update.Resource == database.Parent)
                {
                    await notifications.PublishUpdateAsync(database, snapshot => snapshot with
                    {
                        State = update.Snapshot.State,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    }).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The application is stopping.
        }
    }

    private static async Task CreateDatabasesAsync(
        LocalPostgresResource postgres, string? connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var databaseName in postgres.Databases.Values)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = databaseName });
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(databaseName)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Log.DatabaseCreated(logger, databaseName);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Created database {DatabaseName}")]
        public static partial void DatabaseCreated(ILogger logger, string databaseName);
    }
}
