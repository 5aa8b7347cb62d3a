using SecureChat.Cli;

return ChatApplication.Run(ChatRole.Connector, args, Console.Out, Console.Error);
