using SecureChat.Cli;

return await ChatApplication.RunAsync(ChatRole.Connector, args, ChatConsole.System);
