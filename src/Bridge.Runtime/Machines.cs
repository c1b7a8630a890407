using Bridge.Data.Run;

namespace Bridge.Runtime;

/// <summary>
/// The configuration's two machines seen for one operation: the active one (read from) and the standby (written). The
/// configuration's <c>local</c> is always this machine; which of the two is active is Bridge's recorded role. The sides keep the
/// names of a sync, <c>peer</c> for the machine read and <c>local</c> for the machine written, so that messages read the same.
/// </summary>
public sealed record Machines(Side Active, Side Standby)
{
    public static Machines Of(Side local, Side peer, bool localIsActive) => localIsActive
        ? new Machines(local with { Role = "peer" }, peer with { Role = "local" })
        : new Machines(peer, local);
}
