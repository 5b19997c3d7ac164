package io.bascule.web;

import io.bascule.config.BasculeProperties;
import io.bascule.config.BasculeProperties.WebUser;
import io.bascule.config.ConfigException;
import io.bascule.config.Secrets;
import io.bascule.process.ProcessKeys;
import jakarta.annotation.PostConstruct;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates the web users and groups of the configuration in the engine's identity store at start-up, and
 * sets their passwords from the environment or secret files (so a rotated password takes effect at the
 * next start). The groups {@code camunda-admin}, {@code dba} (candidates of every runbook task) and
 * {@code viewer} always exist (what each may do: {@link AccessControl}). At least one configured user must be a {@code camunda-admin}: otherwise Camunda's first-start
 * page would let anyone reaching the port create an administrator.
 */
@Component
@ConditionalOnWebApplication
public class WebUsers {

    private static final Logger log = LoggerFactory.getLogger(WebUsers.class);

    private final IdentityService identityService;
    private final BasculeProperties properties;
    private final Secrets secrets;

    public WebUsers(IdentityService identityService, BasculeProperties properties, Secrets secrets) {
        this.identityService = identityService;
        this.properties = properties;
        this.secrets = secrets;
    }

    /** Fails with a clear message unless the users are usable: one admin at least, each with a password. */
    public static void check(List<WebUser> users, Secrets secrets) {
        if (users.isEmpty()) {
            throw new ConfigException("no web user is configured: add bascule.web.users (id, groups, password-env or"
                    + " password-file) to the --config file; see 'Web users' in the README");
        }
        if (users.stream().noneMatch(u -> u.groups().contains(Groups.CAMUNDA_ADMIN))) {
            throw new ConfigException("no web user is in group " + Groups.CAMUNDA_ADMIN
                    + ": give at least one user that group in bascule.web.users");
        }
        for (WebUser u : users) {
            secrets.require("web user '" + u.id() + "'", u.passwordEnv(), u.passwordFile());
        }
    }

    @PostConstruct
    void synchronize() {
        List<WebUser> users = properties.web().users();
        check(users, secrets);
        Set<String> groups = new LinkedHashSet<>(AccessControl.GROUPS);
        users.forEach(u -> groups.addAll(u.groups()));
        for (String groupId : groups) {
            if (!AccessControl.GROUPS.contains(groupId)) {
                log.warn("Group {} (bascule.web.users) gets no permission from Bascule: its users can do only what the"
                        + " groups {} give them, or what an administrator grants it in Admin", groupId, AccessControl.GROUPS);
            }
            if (identityService.createGroupQuery().groupId(groupId).singleResult() == null) {
                Group g = identityService.newGroup(groupId);
                g.setName(groupName(groupId));
                g.setType(Groups.CAMUNDA_ADMIN.equals(groupId) ? Groups.GROUP_TYPE_SYSTEM : Groups.GROUP_TYPE_WORKFLOW);
                identityService.saveGroup(g);
            }
        }
        for (WebUser u : users) {
            User user = identityService.createUserQuery().userId(u.id()).singleResult();
            if (user == null) {
                user = identityService.newUser(u.id());
            }
            user.setFirstName(u.firstName() == null ? u.id() : u.firstName());
            user.setLastName(u.lastName() == null ? "" : u.lastName());
            user.setEmail(u.email());
            user.setPassword(secrets.require("web user '" + u.id() + "'", u.passwordEnv(), u.passwordFile()));
            identityService.saveUser(user);
            for (String groupId : u.groups()) {
                if (identityService.createUserQuery().userId(u.id()).memberOfGroup(groupId).count() == 0) {
                    identityService.createMembership(u.id(), groupId);
                }
            }
            log.info("Web user {} ready (groups {})", u.id(), u.groups());
        }
    }

    private static String groupName(String groupId) {
        return switch (groupId) {
            case Groups.CAMUNDA_ADMIN -> "Camunda administrators";
            case ProcessKeys.DBA_GROUP -> "DBAs (runbook tasks)";
            case AccessControl.VIEWER_GROUP -> "Viewers (read-only)";
            default -> groupId;
        };
    }
}
