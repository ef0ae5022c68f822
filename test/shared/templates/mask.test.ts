import { describe, expect, it } from 'vitest';
import { maskToken, maskedTokens } from '../../../shared/templates/index.ts';

describe('maskToken', () => {
  it.each([
    ['plain integers become {num}', '8812', '{num}'],
    ['signed and decimal numbers become {num}', '-2', '{num}'],
    ['numbers keep their unit', '874ms', '{num}ms'],
    ['decimal numbers keep their time unit', '3.5s', '{num}s'],
    ['sizes lose their unit', '16K', '{num}'],
    ['an ip with a port keeps the colon', '10.1.2.3:50010', '{ip}:{num}'],
    ['a Java-style /ip:port is an address', '/10.250.19.102:50010', '{ip}:{num}'],
    ['a uuid becomes {uuid}', '550e8400-e29b-41d4-a716-446655440000', '{uuid}'],
    ['0x hex becomes {hex}', '0x1F', '{hex}'],
    ['a long hex id with digits and letters becomes {hex}', 'deadbeef12', '{hex}'],
    ['a unix path becomes {path}', '/usr/lib/x.so', '{path}'],
    ['a windows path becomes {path}', 'C:\\Windows\\System32', '{path}'],
    ['a url becomes {url}', 'https://example.com/a?b=1', '{url}'],
    ['an e-mail address becomes {email}', 'ops@example.com', '{email}'],
    ['an ISO date-time becomes {time}', '2015-10-18T18:01:47.978Z', '{time}'],
    ['a clock time keeps its colons', '12:01:02', '{num}:{num}:{num}'],
    ['a host name with a port keeps the colon', 'proxy.cse.cuhk.edu.hk:5070', '{host}:{num}'],
    ['an underscore id becomes {id}', 'blk_-1608999687919862906', '{id}'],
    ['a key=value keeps the key', 'uid=0', 'uid={num}'],
    ['punctuation around a number is kept', '(TID', '(TID'],
    ['trailing punctuation after a number is kept', '3).', '{num}).'],
    ['ranges keep their brackets and dash', 'node-[104-127]', 'node-[{num}-{num}]'],
    ['month names become {date}', 'Jun', '{date}'],
    ['words with a digit that are not ids stay', 'ssh2', 'ssh2'],
    ['Java class names stay', 'org.apache.hadoop.Foo', 'org.apache.hadoop.Foo'],
  ])('%s', (_name, token, expected) => {
    // Act
    const masked = maskToken(token);

    // Assert
    expect(masked).toBe(expected);
  });
});

describe('maskedTokens', () => {
  it('splits on any whitespace run and masks each token', () => {
    // Arrange
    const message = '  GET /api/orders/8812\t200 in 34ms user=u-4411 ';

    // Act
    const tokens = maskedTokens(message);

    // Assert
    expect(tokens).toEqual(['GET', '/api/orders/{num}', '{num}', 'in', '{num}ms', 'user=u-{num}']);
  });

  it('keeps the words of a route after an HTTP method and masks only its ids and query values', () => {
    expect(maskedTokens('"POST /api/users/3f2b8c1e-9d4a-4e5b-8c7d-1a2b3c4d5e6f/cart?coupon=X1&qty=2 HTTP/1.1"'))
      .toEqual(['"POST', '/api/users/{uuid}/cart?coupon={*}&qty={*}', 'HTTP/{num}"']);
    expect(maskedTokens('GET /health')).toEqual(['GET', '/health']);
  });

  it('still masks a file path that follows no HTTP method', () => {
    expect(maskedTokens('Opened /var/log/app/2024-01-01.log')).toEqual(['Opened', '{path}']);
  });

  it('joins unchanged and masked tokens with single spaces whatever the whitespace between them', () => {
    // Act
    const tokens = maskedTokens('\tqueue  drained\r\nafter 12 ms, Jun retries=3 ok true');

    // Assert
    expect(tokens).toEqual(['queue', 'drained', 'after', '{num}', 'ms,', '{date}', 'retries={num}', 'ok', '{bool}']);
  });

  it('gives no tokens for a blank message', () => {
    // Act
    const tokens = maskedTokens(' \t ');

    // Assert
    expect(tokens).toEqual([]);
  });
});
