using SecureChat.Cli;

return await ChatApplication.RunAsync(ChatRole.Listener, args, ChatConsole.System);
