using SecureChat.Cli;

return ChatApplication.Run(ChatRole.Listener, args, Console.Out, Console.Error);
