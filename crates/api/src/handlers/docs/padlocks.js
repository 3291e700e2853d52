// Agora: a padlock marks the operations that need a token.
//
// Swagger UI draws a padlock on every operation with a security requirement,
// closed once one requirement is met. The reading routes list the empty
// requirement `{}` beside the token ones (a token is optional there), and
// Swagger UI counts `{}` as met: their padlocks showed closed before any
// login, while the routes that need a token showed open ones. Swagger UI
// already draws no padlock when `{}` is the only requirement; this plugin
// treats any operation that lists `{}` the same way. Only the summary's icon
// changes: "Try it out" still sends the token once authorised.
const AgoraPadlocks = () => ({
  wrapComponents: {
    OperationSummary: (Original, system) => (props) => {
      const security = props.operationProps.get("security");
      const tokenOptional =
        security && security.some((requirement) => requirement.isEmpty());
      if (!tokenOptional) {
        return system.React.createElement(Original, props);
      }
      const anonymous = system.Im.List([system.Im.Map()]);
      return system.React.createElement(Original, {
        ...props,
        operationProps: props.operationProps.set("security", anonymous),
      });
    },
  },
});

