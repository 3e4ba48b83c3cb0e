package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class CliWordingTest {

  @Test
  void forCli_toolNames_becomeTheCommandsThatDoTheSame() {
    assertEquals("no operation with operation_id 'x'; list known ids with 'ipfs-kit wal list'",
        CliWording.forCli("no operation with operation_id 'x'; list known ids with wal_list_operations"));
    assertEquals("cancel live operations with 'ipfs-kit wal cancel ID' first",
        CliWording.forCli("cancel live operations with wal_cancel_operation first"));
  }

  @Test
  void forCli_unknownSnakeCaseWord_staysAsItIs() {
    assertEquals("see wal_dir and secrets_dir", CliWording.forCli("see wal_dir and secrets_dir"));
  }

  @Test
  void forCli_validationOfAToolField_namesTheOption() {
    SecretValidationException e = thrown(() -> SecretId.parse("secret_id", "xyz"));
    assertEquals("ID must be 16 hexadecimal characters, but was 3 characters long", CliWording.forCli(e));
  }

  @Test
  void forCli_valueRuleOfAType_keepsTheTypeAndNeverShowsTheValue() {
    SecretValidationException e = new SecretValidationException("secret_value of type token",
        "must be 10 to 2048 characters long", "was 3 characters long");
    assertEquals("the secret value of type token must be 10 to 2048 characters long, but was 3 characters long",
        CliWording.forCli(e));
  }

  private static SecretValidationException thrown(Executable body) {
    return org.junit.jupiter.api.Assertions.assertThrows(SecretValidationException.class, body);
  }
}
