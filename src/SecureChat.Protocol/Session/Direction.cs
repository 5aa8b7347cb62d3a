namespace SecureChat.Protocol.Session;

/// <summary>Which way a record travels; part of every record's authenticated header.</summary>
internal enum Direction : byte
{
    InitiatorToResponder = 1,
    ResponderToInitiator = 2,
}
